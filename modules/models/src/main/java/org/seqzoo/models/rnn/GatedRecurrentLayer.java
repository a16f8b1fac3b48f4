package org.seqzoo.models.rnn;

import java.util.Collection;
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
 * Configuration shared by seqzoo's gated recurrent layers ({@link GRU}, {@link LSTM}): a gate activation
 * (σ in the equations, sigmoid by default) beside the layer's activation (the candidate's tanh, which — unlike
 * DL4J's {@code LSTM}, whose activation silently defaults to the network's sigmoid — defaults to tanh here),
 * and the parameter layout of {@link GatedParamInitializer} with {@link #gateBlocks()} gate blocks.
 */
public abstract class GatedRecurrentLayer extends BaseRecurrentLayer {

    private IActivation gateActivationFn = new ActivationSigmoid();

    /** For JSON deserialisation only. */
    protected GatedRecurrentLayer() {
    }

    protected GatedRecurrentLayer(Builder<?> builder) {
        super(builder);
        this.gateActivationFn = builder.gateActivationFn;
    }

    /** Number of gate blocks G in the weight matrices. */
    public abstract int gateBlocks();

    /** The recurrences this configuration computes. */
    public abstract RecurrentKernel kernel();

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        LayerValidation.assertNInNOutSet(getClass().getSimpleName(), getLayerName(), layerIndex, getNIn(), getNOut());
        return RuntimeLayers.wired(new RecurrentKernelLayer(conf, networkDataType, kernel()), conf, trainingListeners, layerIndex, layerParamsView,
                initializeParams, initializer());
    }

    /** Whether the layout has the reset-after GRU's recurrent candidate bias {@code b_un}. */
    public boolean hasRecurrentCandidateBias() {
        return false;
    }

    /** Initialises the bias {@code [1, G·H]} (the network's bias initialisation is {@code biasInit}). */
    public void initBias(INDArray bias, double biasInit) {
        bias.assign(biasInit);
    }

    /** Activation of the gates (σ in the equations). */
    public IActivation getGateActivationFn() {
        return gateActivationFn;
    }

    public void setGateActivationFn(IActivation gateActivationFn) {
        this.gateActivationFn = gateActivationFn;
    }

    @Override
    public ParamInitializer initializer() {
        return GatedParamInitializer.getInstance();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType.InputTypeRecurrent recurrent = (InputType.InputTypeRecurrent) inputType;
        long steps = Math.max(recurrent.getTimeSeriesLength(), 1);
        long numParams = initializer().numParams(this);
        long updaterState = getIUpdater() == null ? 0 : getIUpdater().stateSize(numParams);
        long g = gateBlocks();
        // Per example and step: inference keeps input projections (G·H), gates and states;
        // training also keeps recurrent products (G·H).
        long inferencePerExample = steps * (2 * g * nOut + 2 * nOut + nIn);
        long trainingPerExample = steps * (3 * g * nOut + 2 * nOut + nIn);
        return new LayerMemoryReport.Builder(getLayerName(), getClass(), inputType, getOutputType(-1, inputType))
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
        if (o == null || getClass() != o.getClass() || !super.equals(o)) {
            return false;
        }
        return Objects.equals(gateActivationFn, ((GatedRecurrentLayer) o).gateActivationFn);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), gateActivationFn);
    }

    /** Builder base: the gate activation, and tanh as the default activation. */
    public abstract static class Builder<T extends Builder<T>> extends BaseRecurrentLayer.Builder<T> {

        private IActivation gateActivationFn = new ActivationSigmoid();

        protected Builder() {
            this.activationFn = new ActivationTanH();
        }

        /** Activation of the gates; sigmoid by default. */
        @SuppressWarnings("unchecked")
        public T gateActivation(IActivation gateActivation) {
            this.gateActivationFn = Objects.requireNonNull(gateActivation, "gateActivation");
            return (T) this;
        }

        /** Activation of the gates; sigmoid by default. */
        public T gateActivation(Activation gateActivation) {
            return gateActivation(gateActivation.getActivationFunction());
        }
    }
}
