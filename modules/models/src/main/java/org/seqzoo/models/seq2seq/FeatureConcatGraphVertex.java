package org.seqzoo.models.seq2seq;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.base.Preconditions;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Runtime of {@link FeatureConcatVertex}: copies each input {@code [B, F_i, T]} into its feature rows of one
 * C-order {@code [F, T, B]} array (returned as the {@code [B, F, T]} view) and hands each input its feature range
 * of the gradient (in this vertex's gradient workspace, as DL4J requires). The output mask is the inputs' mask (their element-wise OR when they differ, as
 * {@code MergeVertex} does).
 */
public class FeatureConcatGraphVertex extends BaseGraphVertex {

    public FeatureConcatGraphVertex(ComputationGraph graph, String name, int index, DataType dataType) {
        super(graph, name, index, null, null, dataType);
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        Preconditions.checkState(canDoForward(), "Cannot do forward pass in vertex %s: inputs not set", getVertexName());
        long batch = inputs[0].size(0);
        long steps = inputs[0].size(2);
        long features = 0;
        for (INDArray input : inputs) {
            Preconditions.checkArgument(input.rank() == 3 && input.size(0) == batch && input.size(2) == steps,
                    "%s: inputs must be [minibatch=%s, size, time=%s], got %ndShape", getVertexName(), batch, steps,
                    input);
            features += input.size(1);
        }
        INDArray featureMajor = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[] {features, steps, batch}, 'c');
        long first = 0;
        for (INDArray input : inputs) {
            long size = input.size(1);
            featureMajor.get(interval(first, first + size), all(), all()).assign(input.permute(1, 2, 0));
            first += size;
        }
        return featureMajor.permute(2, 0, 1);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        Preconditions.checkState(canDoBackward(), "Cannot do backward pass in vertex %s: errors not set",
                getVertexName());
        INDArray[] gradients = new INDArray[inputs.length];
        long first = 0;
        for (int i = 0; i < inputs.length; i++) {
            long size = inputs[i].size(1);
            // Copied when DL4J's workspaces need it: an input's gradient must live in this vertex's own workspace.
            gradients[i] = workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD,
                    epsilon.get(all(), interval(first, first + size), all()));
            first += size;
        }
        return new Pair<>(null, gradients);
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        Preconditions.checkArgument(backpropGradientsViewArray == null, "FeatureConcatVertex has no parameters");
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                           int minibatchSize) {
        if (maskArrays == null || maskArrays.length == 0) {
            return new Pair<>(null, currentMaskState);
        }
        INDArray mask = maskArrays[0];
        for (INDArray other : maskArrays) {
            if (other == null) {
                return new Pair<>(null, currentMaskState); // a missing mask means all steps are real
            }
            if (other != mask) {
                mask = Transforms.or(mask.castTo(DataType.BOOL), other.castTo(DataType.BOOL))
                        .castTo(maskArrays[0].dataType());
            }
        }
        return new Pair<>(mask, currentMaskState);
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
    public String toString() {
        return "FeatureConcatGraphVertex(" + getVertexName() + ")";
    }
}
