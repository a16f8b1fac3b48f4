package org.seqzoo.models.rnn;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of seqzoo's gated recurrent unit layer (DL4J has none), usable in
 * {@code MultiLayerNetwork} and {@code ComputationGraph} exactly like DL4J's {@code LSTM}.
 *
 * <p>The maths (DESIGN.md, "GRU"), with {@code x_t} the input and {@code h_{t-1}} the previous state:
 * <pre>
 * r_t = σ(W_r x_t + U_r h_{t-1} + b_r)          z_t = σ(W_z x_t + U_z h_{t-1} + b_z)
 * resetAfter=true : n_t = tanh(W_n x_t + b_n + r_t ⊙ (U_n h_{t-1} + b_un))
 * resetAfter=false: n_t = tanh(W_n x_t + b_n + U_n (r_t ⊙ h_{t-1}))
 * h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}
 * </pre>
 * {@code resetAfter=true} (the default) is the cuDNN / PyTorch / Keras form and ONNX's
 * {@code linear_before_reset=1}; {@code resetAfter=false} is Cho et al. (2014) and ONNX's
 * {@code linear_before_reset=0}. Textbooks often write {@code h_t = (1 - z_t) h_{t-1} + z_t h~_t}:
 * their {@code z} is {@code 1 - z} here, the same model with the update gate's weights and bias negated.
 *
 * <p>σ is the gate activation ({@link Builder#gateActivation}, sigmoid by default) and tanh the layer's
 * activation ({@link Builder#activation}, tanh by default — unlike DL4J's {@code LSTM}, whose activation
 * silently defaults to the network's sigmoid). Parameters and their layout are owned by
 * {@link GRUParamInitializer}; the forward and backward recurrences by {@link GRUKernel}.
 *
 * <p>Masks (shape {@code [minibatch, time]}) mark real steps: a padded step outputs exactly 0 and leaves the
 * state unchanged, so the state after the last step is the state after each sequence's last real step.
 */
public class GRU extends BaseRecurrentLayer {

    private boolean resetAfter = true;
    private IActivation gateActivationFn = new ActivationSigmoid();

    /** For JSON deserialisation only. */
    @SuppressWarnings("unused")
    private GRU() {
    }

    private GRU(Builder builder) {
        super(builder);
        this.resetAfter = builder.resetAfter;
        this.gateActivationFn = builder.gateActivationFn;
    }

    /** Whether the reset gate multiplies the recurrent product ({@code true}) or the previous state. */
    public boolean isResetAfter() {
        return resetAfter;
    }

    public void setResetAfter(boolean resetAfter) {
        this.resetAfter = resetAfter;
    }

    /** Activation of the reset and update gates (σ in the equations). */
    public IActivation getGateActivationFn() {
        return gateActivationFn;
    }

    public void setGateActivationFn(IActivation gateActivationFn) {
        this.gateActivationFn = gateActivationFn;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        LayerValidation.assertNInNOutSet("GRU", getLayerName(), layerIndex, getNIn(), getNOut());
        GRULayer layer = new GRULayer(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return GRUParamInitializer.getInstance();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType.InputTypeRecurrent recurrent = (InputType.InputTypeRecurrent) inputType;
        long steps = Math.max(recurrent.getTimeSeriesLength(), 1);
        long numParams = initializer().numParams(this);
        long updaterState = getIUpdater() == null ? 0 : getIUpdater().stateSize(numParams);
        // Per example and step: inference keeps input projections (3H) and states (H); training also
        // keeps gate activations (3H) and recurrent products (3H).
        long inferencePerExample = steps * (3 * nOut + nOut + nIn);
        long trainingPerExample = steps * (3 * nOut * 3 + nOut + nIn);
        return new LayerMemoryReport.Builder(getLayerName(), GRU.class, inputType, getOutputType(-1, inputType))
                .standardMemory(numParams, updaterState)
                .workingMemory(0, inferencePerExample, 0, trainingPerExample)
                .cacheMemory(0, 0)
                .build();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof GRU other) || !super.equals(o)) {
            return false;
        }
        return resetAfter == other.resetAfter && Objects.equals(gateActivationFn, other.gateActivationFn);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), resetAfter, gateActivationFn);
    }

    @Override
    public String toString() {
        return "GRU(nIn=" + nIn + ", nOut=" + nOut + ", resetAfter=" + resetAfter + ", activation="
                + activationFn + ", gateActivation=" + gateActivationFn + ", name=" + getLayerName() + ")";
    }

    /** Builder: {@code new GRU.Builder().nIn(64).nOut(256).resetAfter(true).build()}. */
    public static class Builder extends BaseRecurrentLayer.Builder<Builder> {

        private boolean resetAfter = true;
        private IActivation gateActivationFn = new ActivationSigmoid();

        public Builder() {
            // The candidate activation defaults to tanh here, not to the network-wide default.
            this.activationFn = new ActivationTanH();
        }

        /** {@code true} (default): PyTorch / cuDNN / Keras form; {@code false}: Cho et al. 2014. */
        public Builder resetAfter(boolean resetAfter) {
            this.resetAfter = resetAfter;
            return this;
        }

        /** Activation of the reset and update gates; sigmoid by default. */
        public Builder gateActivation(IActivation gateActivation) {
            this.gateActivationFn = Objects.requireNonNull(gateActivation, "gateActivation");
            return this;
        }

        /** Activation of the reset and update gates; sigmoid by default. */
        public Builder gateActivation(Activation gateActivation) {
            return gateActivation(gateActivation.getActivationFunction());
        }

        @Override
        @SuppressWarnings("unchecked")
        public GRU build() {
            return new GRU(this);
        }
    }
}
