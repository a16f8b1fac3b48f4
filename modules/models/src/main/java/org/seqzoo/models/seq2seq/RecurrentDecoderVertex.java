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
import org.seqzoo.models.rnn.GatedRecurrentLayer;

/**
 * A recurrent decoder whose first state comes from the encoder: the {@code INITIAL_STATE} bridge of
 * DESIGN.md, {@code s_0 = C} (projected if sizes differ, see {@link StateBridge}),
 * {@code s_t = f(s_{t-1}, y_{t-1})}. DL4J cannot set a layer's initial state from another graph node during
 * training (deeplearning4j#5567); this vertex can, with the gradient flowing back into the encoder.
 *
 * <p>Inputs: {@code "input"} — the decoder inputs {@code [B, nIn, T]} (embedded {@code <s> y_1 …}, with the
 * target mask), and {@code "context"} — {@code C} {@code [B, Hc]} (e.g. from {@link FinalStateVertex}).
 * Output: the decoder states {@code [B, H, T]}, zero at padded steps. The cell is a seqzoo {@code GRU} or
 * {@link org.seqzoo.models.rnn.LSTM} configuration (its {@code nIn}, {@code nOut}, activations and initialisation are used).
 */
public class RecurrentDecoderVertex extends CellVertex {

    private long contextSize;
    private boolean projectContext;

    /** For JSON deserialisation only. */
    public RecurrentDecoderVertex() {
    }

    /**
     * @param cell           the decoder cell ({@code nIn} = decoder input size, {@code nOut} = H)
     * @param contextSize    Hc, the size of {@code C}
     * @param projectContext project {@code C} ({@code tanh(C·W_s + b_s)}); must be on when Hc ≠ H
     */
    public RecurrentDecoderVertex(GatedRecurrentLayer cell, long contextSize, boolean projectContext) {
        super(cell);
        this.contextSize = contextSize;
        this.projectContext = projectContext;
        if (!projectContext && contextSize != getCell().getNOut()) {
            throw new IllegalArgumentException("context size " + contextSize + " differs from the decoder's hidden size "
                    + getCell().getNOut() + ": the initial-state bridge must project it (projectContext=true)");
        }
    }

    public long getContextSize() {
        return contextSize;
    }

    public void setContextSize(long contextSize) {
        this.contextSize = contextSize;
    }

    public boolean isProjectContext() {
        return projectContext;
    }

    public void setProjectContext(boolean projectContext) {
        this.projectContext = projectContext;
    }

    StateBridge bridge() {
        return new StateBridge(projectContext, contextSize, getCell().getNOut(), lstm());
    }

    @Override
    public void defineParametersAndInputs(SDVertexParams params) {
        params.defineInputs("input", "context");
        CellParams.declare(params, getCell());
        bridge().declare(params);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        CellParams.initialize(params, getCell());
        bridge().initialize(params, CellParams.weightInit(getCell()));
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        setName(name);
        return new RecurrentDecoderGraphVertex(this, graph, name, idx, paramsView, initializeParams, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 2 || vertexInputs[0].getType() != InputType.Type.RNN) {
            throw new InvalidInputTypeException("RecurrentDecoderVertex expects [decoder inputs (recurrent), "
                    + "context], got " + java.util.Arrays.toString(vertexInputs));
        }
        InputType.InputTypeRecurrent in = (InputType.InputTypeRecurrent) vertexInputs[0];
        if (in.getSize() != getCell().getNIn()) {
            throw new InvalidInputTypeException("decoder inputs have size " + in.getSize() + ", the cell expects nIn="
                    + getCell().getNIn());
        }
        if (vertexInputs[1].arrayElementsPerExample() != contextSize) {
            throw new InvalidInputTypeException("context has " + vertexInputs[1].arrayElementsPerExample()
                    + " values per example, the bridge expects " + contextSize);
        }
        return InputType.recurrent(getCell().getNOut(), in.getTimeSeriesLength());
    }

    @Override
    public GraphVertex clone() {
        return new RecurrentDecoderVertex((GatedRecurrentLayer) getCell().clone(), contextSize, projectContext);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecurrentDecoderVertex other && Objects.equals(getCell(), other.getCell())
                && contextSize == other.contextSize && projectContext == other.projectContext;
    }

    @Override
    public int hashCode() {
        return Objects.hash(getCell(), contextSize, projectContext);
    }

    @Override
    public String toString() {
        return "RecurrentDecoderVertex(cell=" + getCell() + ", contextSize=" + contextSize + ", projectContext="
                + projectContext + ")";
    }
}
