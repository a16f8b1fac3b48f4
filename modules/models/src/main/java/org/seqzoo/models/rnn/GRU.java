package org.seqzoo.models.rnn;

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
 * <p>σ is the gate activation and tanh the layer's activation (both configurable, see
 * {@link GatedRecurrentLayer}). Parameters: {@link GatedParamInitializer} with gate blocks {@code r | z | n};
 * the recurrences: {@link GRUKernel}; the runtime layer: {@link RecurrentKernelLayer}.
 *
 * <p>Masks ({@code [minibatch, time]}) mark real steps: a padded step outputs exactly 0 and leaves the
 * state unchanged, so the state after the last step is the state after each sequence's last real step.
 */
public class GRU extends GatedRecurrentLayer {

    private boolean resetAfter = true;

    /** For JSON deserialisation only. */
    @SuppressWarnings("unused")
    private GRU() {
    }

    private GRU(Builder builder) {
        super(builder);
        this.resetAfter = builder.resetAfter;
    }

    /** Whether the reset gate multiplies the recurrent product ({@code true}) or the previous state. */
    public boolean isResetAfter() {
        return resetAfter;
    }

    public void setResetAfter(boolean resetAfter) {
        this.resetAfter = resetAfter;
    }

    @Override
    public int gateBlocks() {
        return 3;
    }

    @Override
    public boolean hasRecurrentCandidateBias() {
        return resetAfter;
    }

    @Override
    public RecurrentKernel kernel() {
        return GRUKernel.of(this);
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && resetAfter == ((GRU) o).resetAfter;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Boolean.hashCode(resetAfter);
    }

    @Override
    public String toString() {
        return "GRU(nIn=" + nIn + ", nOut=" + nOut + ", resetAfter=" + resetAfter + ", activation="
                + activationFn + ", gateActivation=" + getGateActivationFn() + ", name=" + getLayerName() + ")";
    }

    /** Builder: {@code new GRU.Builder().nIn(64).nOut(256).resetAfter(true).build()}. */
    public static class Builder extends GatedRecurrentLayer.Builder<Builder> {

        private boolean resetAfter = true;

        /** {@code true} (default): PyTorch / cuDNN / Keras form; {@code false}: Cho et al. 2014. */
        public Builder resetAfter(boolean resetAfter) {
            this.resetAfter = resetAfter;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public GRU build() {
            return new GRU(this);
        }
    }
}
