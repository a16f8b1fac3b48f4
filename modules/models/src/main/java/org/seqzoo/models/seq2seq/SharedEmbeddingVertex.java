package org.seqzoo.models.seq2seq;

import java.util.Map;
import java.util.Objects;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One embedding matrix {@code E [V, D]} for two token sequences (source and target sharing a vocabulary): DL4J
 * layers cannot share parameters, so this vertex owns {@code E} and embeds its own input, and a
 * {@link Role#TIED} vertex (given the owner's name and, as second input, the owner's output so that it runs
 * after it) embeds the other sequence with the same matrix; its gradient is added to the owner's.
 *
 * <p>Input: ids {@code [B, 1, T]} (or {@code [B, T]}) with their mask; output {@code [B, D, T]}, zero at padding.
 */
public class SharedEmbeddingVertex extends HandWrittenVertex {

    /** The vertex holding the matrix, or one reusing another's. */
    public enum Role { OWNER, TIED }

    static final String WEIGHT_KEY = "E";

    private Role role;
    private long vocabularySize;
    private long embeddingSize;
    private String ownerName;

    /** For JSON deserialisation only. */
    public SharedEmbeddingVertex() {
    }

    /** The owner of a {@code [vocabularySize, embeddingSize]} matrix. */
    public static SharedEmbeddingVertex owner(long vocabularySize, long embeddingSize) {
        SharedEmbeddingVertex v = new SharedEmbeddingVertex();
        v.role = Role.OWNER;
        v.vocabularySize = vocabularySize;
        v.embeddingSize = embeddingSize;
        return v;
    }

    /** A vertex embedding with the matrix of the owner vertex named {@code ownerName}. */
    public static SharedEmbeddingVertex tiedTo(String ownerName, long vocabularySize, long embeddingSize) {
        SharedEmbeddingVertex v = owner(vocabularySize, embeddingSize);
        v.role = Role.TIED;
        v.ownerName = Objects.requireNonNull(ownerName, "ownerName");
        return v;
    }

    public Role getRole() {
        return role;
    }

    public void setRole(Role role) {
        this.role = role;
    }

    public long getVocabularySize() {
        return vocabularySize;
    }

    public void setVocabularySize(long vocabularySize) {
        this.vocabularySize = vocabularySize;
    }

    public long getEmbeddingSize() {
        return embeddingSize;
    }

    public void setEmbeddingSize(long embeddingSize) {
        this.embeddingSize = embeddingSize;
    }

    public String getOwnerName() {
        return ownerName;
    }

    public void setOwnerName(String ownerName) {
        this.ownerName = ownerName;
    }

    @Override
    public void defineParametersAndInputs(SDVertexParams params) {
        if (role == Role.OWNER) {
            params.defineInputs("ids");
            params.addWeightParam(WEIGHT_KEY, vocabularySize, embeddingSize);
        } else {
            params.defineInputs("ids", "owner");
        }
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        INDArray e = params.get(WEIGHT_KEY);
        if (e != null) {
            weightInitOrDefault().init(vocabularySize, embeddingSize, e.shape(), 'c', e);
        }
    }

    @Override
    public int minVertexInputs() {
        return role == Role.OWNER ? 1 : 2;
    }

    @Override
    public int maxVertexInputs() {
        return minVertexInputs();
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        setName(name);
        return new SharedEmbeddingGraphVertex(this, graph, name, idx, paramsView, initializeParams, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != minVertexInputs() || vertexInputs[0].getType() != InputType.Type.RNN) {
            throw new InvalidInputTypeException("SharedEmbeddingVertex (" + role + ") expects token ids [B, 1, T]"
                    + (role == Role.TIED ? " and the owner's output" : "") + ", got "
                    + java.util.Arrays.toString(vertexInputs));
        }
        return InputType.recurrent(embeddingSize, ((InputType.InputTypeRecurrent) vertexInputs[0]).getTimeSeriesLength());
    }

    @Override
    public GraphVertex clone() {
        SharedEmbeddingVertex copy = role == Role.OWNER ? owner(vocabularySize, embeddingSize)
                : tiedTo(ownerName, vocabularySize, embeddingSize);
        copy.setWeightInit(getWeightInit());
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SharedEmbeddingVertex other && role == other.role && vocabularySize == other.vocabularySize
                && embeddingSize == other.embeddingSize && Objects.equals(ownerName, other.ownerName)
                && Objects.equals(getWeightInit(), other.getWeightInit());
    }

    @Override
    public int hashCode() {
        return Objects.hash(role, vocabularySize, embeddingSize, ownerName, getWeightInit());
    }

    @Override
    public String toString() {
        return "SharedEmbeddingVertex(" + role + (ownerName == null ? "" : " of " + ownerName) + ", " + vocabularySize
                + "x" + embeddingSize + ")";
    }
}
