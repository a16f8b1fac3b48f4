package org.seqzoo.models.seq2seq;

import java.util.LinkedHashMap;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.params.SameDiffParamInitializer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runtime base of a {@link HandWrittenVertex}: owns the parameter and gradient views (split by the
 * configuration's declared shapes), the input masks DL4J hands over, and the {@code Trainable} plumbing the
 * graph's updater needs. Subclasses implement {@code doForward}, {@code doBackward} and the output mask.
 */
public abstract class HandWrittenGraphVertex extends BaseGraphVertex {

    protected final HandWrittenVertex config;
    protected final Map<String, INDArray> params;
    protected Map<String, INDArray> gradients;
    protected INDArray[] inputMasks;
    private final INDArray paramsView;
    private INDArray gradientsView;

    protected HandWrittenGraphVertex(HandWrittenVertex config, ComputationGraph graph, String name, int index,
                                     INDArray paramsView, boolean initializeParams, DataType dataType) {
        super(graph, name, index, null, null, dataType);
        this.config = config;
        this.paramsView = paramsView;
        this.params = split(paramsView);
        if (initializeParams) {
            config.initializeParameters(params);
        }
    }

    private Map<String, INDArray> split(INDArray flat) {
        if (flat == null) {
            return new LinkedHashMap<>();
        }
        return SameDiffParamInitializer.getInstance().subsetAndReshape(config.getVertexParams().getParameterKeys(),
                config.getVertexParams().getParamShapes(), flat, null, config);
    }

    /** The mask of input {@code i} ({@code [B, T]}), or {@code null}. */
    protected INDArray inputMask(int i) {
        return inputMasks == null || i >= inputMasks.length ? null : inputMasks[i];
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                           int minibatchSize) {
        this.inputMasks = maskArrays;
        return new Pair<>(outputMask(), currentMaskState);
    }

    /** The mask of this vertex's output, given {@link #inputMask}s. */
    protected abstract INDArray outputMask();

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
        this.gradientsView = backpropGradientsViewArray;
        this.gradients = split(backpropGradientsViewArray);
    }

    @Override
    public Map<String, INDArray> paramTable(boolean backpropOnly) {
        return params;
    }

    @Override
    public TrainingConfig getConfig() {
        return config;
    }

    @Override
    public INDArray params() {
        return paramsView;
    }

    @Override
    public INDArray getGradientsViewArray() {
        return gradientsView;
    }

    @Override
    public long numParams() {
        return paramsView == null ? 0 : paramsView.length();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + vertexName + ")";
    }
}
