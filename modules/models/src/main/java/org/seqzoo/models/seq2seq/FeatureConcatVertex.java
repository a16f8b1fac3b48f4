package org.seqzoo.models.seq2seq;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Concatenation of sequences along their features, {@code [B, F_1, T] … → [B, F_1 + F_2 + …, T]}: what DL4J's
 * {@code MergeVertex} computes for recurrent inputs (e.g. {@code [s_t; E y_{t-1}]}, the input of the decoder's
 * output layer), laid out for what reads it. The result is stored feature-major ({@code [F, T, B]}, C order),
 * the layout seqzoo's {@code SoftmaxOutputLayer} reads without copying, by one strided copy per input instead of
 * ND4J's generic concat op, which {@code MergeVertex} uses (~8–12 % of a seq2seq training step in profiles).
 * Runtime: {@link FeatureConcatGraphVertex}.
 */
public class FeatureConcatVertex extends GraphVertex {

    @Override
    public GraphVertex clone() {
        return new FeatureConcatVertex();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureConcatVertex;
    }

    @Override
    public int hashCode() {
        return FeatureConcatVertex.class.getSimpleName().hashCode();
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
        return Integer.MAX_VALUE;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new FeatureConcatGraphVertex(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        long size = 0;
        long steps = -1;
        for (InputType input : vertexInputs) {
            if (!(input instanceof InputType.InputTypeRecurrent recurrent)) {
                throw new InvalidInputTypeException("FeatureConcatVertex expects recurrent inputs, got "
                        + Arrays.toString(vertexInputs));
            }
            size += recurrent.getSize();
            steps = recurrent.getTimeSeriesLength();
        }
        return InputType.recurrent(size, steps);
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = getOutputType(-1, inputTypes);
        return new LayerMemoryReport.Builder(null, FeatureConcatVertex.class, inputTypes[0], out)
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public String toString() {
        return "FeatureConcatVertex()";
    }
}
