package org.seqzoo.models.seq2seq;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runtime of {@link FinalStateVertex}: gathers each sequence's final output and scatters the gradient back. */
public class FinalStateGraphVertex extends BaseGraphVertex {

    private final boolean bidirectional;
    private INDArray mask;

    public FinalStateGraphVertex(ComputationGraph graph, String name, int index, boolean bidirectional,
                                 DataType dataType) {
        super(graph, name, index, null, null, dataType);
        this.bidirectional = bidirectional;
    }

    /** The last real step of every sequence, from a left-aligned {@code [B, T]} mask (or {@code T - 1}). */
    static long[] lastSteps(INDArray mask, long batch, long steps) {
        long[] last = new long[(int) batch];
        for (int b = 0; b < batch; b++) {
            last[b] = mask == null ? steps - 1 : Math.max(0, (long) mask.getRow(b).sumNumber().doubleValue() - 1);
        }
        return last;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray in = inputs[0];
        long batch = in.size(0);
        long size = in.size(1);
        long[] last = lastSteps(mask, batch, in.size(2));
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, in.dataType(), new long[] {batch, size}, 'c');
        long half = bidirectional ? size / 2 : size;
        for (int b = 0; b < batch; b++) {
            out.get(point(b), interval(0, half)).assign(in.get(point(b), interval(0, half), point(last[b])));
            if (bidirectional) {
                out.get(point(b), interval(half, size)).assign(in.get(point(b), interval(half, size), point(0)));
            }
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        INDArray in = inputs[0];
        long batch = in.size(0);
        long size = in.size(1);
        long[] last = lastSteps(mask, batch, in.size(2));
        INDArray grad = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), in.shape(), 'f');
        long half = bidirectional ? size / 2 : size;
        for (int b = 0; b < batch; b++) {
            grad.get(point(b), interval(0, half), point(last[b])).assign(epsilon.get(point(b), interval(0, half)));
            if (bidirectional) {
                grad.get(point(b), interval(half, size), point(0)).addi(epsilon.get(point(b), interval(half, size)));
            }
        }
        return new Pair<>(null, new INDArray[] {grad});
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                           int minibatchSize) {
        this.mask = maskArrays == null ? null : maskArrays[0];
        return new Pair<>(null, currentMaskState);
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalStateException("FinalStateVertex has no parameters");
        }
    }

    @Override
    public String toString() {
        return "FinalStateVertex(" + vertexName + ", bidirectional=" + bidirectional + ")";
    }
}
