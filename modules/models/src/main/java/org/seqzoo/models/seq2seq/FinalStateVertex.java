package org.seqzoo.models.seq2seq;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The encoder's summary of a source sentence, {@code C = h_T} (DESIGN.md, "Seq2seq"): from encoder outputs
 * {@code [B, H, T]} and their mask, the output at each sequence's last real step, {@code [B, H]}. For a
 * bidirectional encoder (outputs concatenated {@code [forward; backward]}, as DL4J's {@code Bidirectional}
 * CONCAT mode gives) the backward half is taken at step 0, where the backward direction ends. Reading the
 * outputs works because seqzoo's recurrent layers carry their state through padding.
 */
public class FinalStateVertex extends GraphVertex {

    private boolean bidirectional;

    /** For JSON deserialisation only. */
    public FinalStateVertex() {
    }

    /** @param bidirectional whether the input is a bidirectional encoder's {@code [forward; backward]} output */
    public FinalStateVertex(boolean bidirectional) {
        this.bidirectional = bidirectional;
    }

    public boolean isBidirectional() {
        return bidirectional;
    }

    public void setBidirectional(boolean bidirectional) {
        this.bidirectional = bidirectional;
    }

    @Override
    public GraphVertex clone() {
        return new FinalStateVertex(bidirectional);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FinalStateVertex other && other.bidirectional == bidirectional;
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(bidirectional) + 17;
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 1;
    }

    @Override
    public int maxVertexInputs() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new FinalStateGraphVertex(graph, name, idx, bidirectional, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 1 || vertexInputs[0].getType() != InputType.Type.RNN) {
            throw new InvalidInputTypeException("FinalStateVertex expects one recurrent input, got "
                    + java.util.Arrays.toString(vertexInputs));
        }
        long size = ((InputType.InputTypeRecurrent) vertexInputs[0]).getSize();
        if (bidirectional && size % 2 != 0) {
            throw new InvalidInputTypeException("bidirectional FinalStateVertex needs an even input size "
                    + "([forward; backward] halves), got " + size);
        }
        return InputType.feedForward(size);
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = getOutputType(-1, inputTypes);
        return new LayerMemoryReport.Builder(null, FinalStateVertex.class, inputTypes[0], out)
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public String toString() {
        return "FinalStateVertex(bidirectional=" + bidirectional + ")";
    }
}
