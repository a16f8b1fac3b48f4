package org.seqzoo.models.rnn;

import java.util.Collection;
import java.util.Objects;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;

/**
 * Configuration of seqzoo's sequence softmax output layer: DL4J's {@code RnnOutputLayer} with softmax and
 * cross-entropy (MCXENT, or SPARSE_MCXENT with {@link Builder#sparseLabels}), computed by a fused kernel
 * ({@link SoftmaxCrossEntropy}; runtime layer {@link SoftmaxKernelLayer}). Same parameters ({@code W}
 * {@code [nIn, nOut]}, {@code b} {@code [1, nOut]}, DL4J's {@code DefaultParamInitializer}), inputs, labels,
 * per-step masks, outputs, score and gradients as that layer, so it drops into a {@code MultiLayerNetwork} or
 * {@code ComputationGraph} in its place — but each training step computes the softmax once instead of three
 * times, runs its products straight through OpenBLAS and splits its work over the cores.
 *
 * <p>The maths (DESIGN.md: {@code P(y_t) = softmax(W_o s_t + b_o)}, cross-entropy masked to real tokens) is in
 * {@link SoftmaxCrossEntropy}. The one difference from DL4J's loss: no clipping of {@code p} at 1e-10, so a
 * token's loss can exceed 23.
 */
public class SoftmaxOutputLayer extends BaseOutputLayer {

    private RNNFormat rnnDataFormat;

    /** For JSON deserialisation only. */
    @SuppressWarnings("unused")
    private SoftmaxOutputLayer() {
    }

    private SoftmaxOutputLayer(Builder builder) {
        super(builder);
        initializeConstraints(builder);
        this.rnnDataFormat = builder.rnnDataFormat;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        LayerValidation.assertNInNOutSet(getClass().getSimpleName(), getLayerName(), layerIndex, getNIn(), getNOut());
        return RuntimeLayers.wired(new SoftmaxKernelLayer(conf, networkDataType), conf, trainingListeners, layerIndex, layerParamsView,
                initializeParams, initializer());
    }

    @Override
    public ParamInitializer initializer() {
        return DefaultParamInitializer.getInstance();
    }

    /** Whether labels are class indices {@code [minibatch, 1, time]} (SPARSE_MCXENT) rather than distributions. */
    public boolean sparseLabels() {
        return lossFn instanceof LossSparseMCXENT;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeRecurrent recurrent = recurrent(inputType);
        return InputType.recurrent(nOut, recurrent.getTimeSeriesLength(), recurrent.getFormat());
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        InputType.InputTypeRecurrent recurrent = recurrent(inputType);
        if (rnnDataFormat == null || override) {
            rnnDataFormat = recurrent.getFormat();
        }
        if (nIn <= 0 || override) {
            nIn = recurrent.getSize();
        }
    }

    private InputType.InputTypeRecurrent recurrent(InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeRecurrent recurrent)) {
            throw new IllegalStateException("SoftmaxOutputLayer \"" + getLayerName()
                    + "\" expects recurrent input [minibatch, size, time], got " + inputType);
        }
        return recurrent;
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreprocessorForInputTypeRnnLayers(inputType, rnnDataFormat, getLayerName());
    }

    /** NCW ({@code [minibatch, size, time]}, the default) or NWC ({@code [minibatch, time, size]}). */
    public RNNFormat getRnnDataFormat() {
        return rnnDataFormat == null ? RNNFormat.NCW : rnnDataFormat;
    }

    public void setRnnDataFormat(RNNFormat rnnDataFormat) {
        this.rnnDataFormat = rnnDataFormat;
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && Objects.equals(rnnDataFormat, ((SoftmaxOutputLayer) o).rnnDataFormat);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Objects.hashCode(rnnDataFormat);
    }

    @Override
    public String toString() {
        return "SoftmaxOutputLayer(nIn=" + nIn + ", nOut=" + nOut + ", sparseLabels=" + sparseLabels() + ", name="
                + getLayerName() + ")";
    }

    /**
     * Builder: {@code new SoftmaxOutputLayer.Builder().nOut(vocabulary).sparseLabels(true).build()}. Activation
     * and loss are fixed (softmax, cross-entropy); {@code build()} refuses any other.
     */
    public static class Builder extends BaseOutputLayer.Builder<Builder> {

        private RNNFormat rnnDataFormat;

        public Builder() {
            setLossFn(new LossMCXENT());
            setActivationFn(new ActivationSoftmax());
        }

        /** {@code true}: labels are class indices {@code [minibatch, 1, time]}; {@code false} (default): one-hot. */
        public Builder sparseLabels(boolean sparse) {
            setLossFn(sparse ? new LossSparseMCXENT() : new LossMCXENT());
            return this;
        }

        /** NCW ({@code [minibatch, size, time]}) or NWC; by default the input type's, else NCW. */
        public Builder dataFormat(RNNFormat rnnDataFormat) {
            this.rnnDataFormat = rnnDataFormat;
            return this;
        }

        /**
         * @throws IllegalArgumentException if the activation is not softmax or the loss not an unweighted
         *                                  MCXENT / SPARSE_MCXENT
         */
        @Override
        @SuppressWarnings("unchecked")
        public SoftmaxOutputLayer build() {
            if (!(getActivationFn() instanceof ActivationSoftmax)) {
                throw new IllegalArgumentException("SoftmaxOutputLayer computes softmax; activation "
                        + getActivationFn() + " is not supported (use DL4J's RnnOutputLayer)");
            }
            ILossFunction loss = getLossFn();
            boolean supported = loss instanceof LossSparseMCXENT sparse ? sparse.getWeights() == null
                    : loss instanceof LossMCXENT mcxent && mcxent.getClass() == LossMCXENT.class
                    && mcxent.getWeights() == null;
            if (!supported) {
                throw new IllegalArgumentException("SoftmaxOutputLayer computes unweighted cross-entropy (MCXENT, or"
                        + " SPARSE_MCXENT via sparseLabels(true)); loss " + loss + " is not supported (use DL4J's"
                        + " RnnOutputLayer)");
            }
            return new SoftmaxOutputLayer(this);
        }
    }
}
