package org.seqzoo.models.rnn;

import org.nd4j.linalg.api.ndarray.INDArray;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * Configuration of seqzoo's LSTM layer: the standard LSTM of DESIGN.md without peepholes (what PyTorch,
 * Keras and ONNX compute), on seqzoo's recurrent kernel ({@link LSTMKernel}). DL4J's own {@code LSTM} computes
 * the same function; seqzoo's adds what seq2seq needs — an initial state with its gradient, exact state
 * carrying through padding — and its faster layout. Gate blocks {@code i | f | o | g}
 * ({@link GatedParamInitializer}); the forget-gate bias starts at {@link Builder#forgetGateBiasInit} (1.0, as
 * in DL4J and Jozefowicz et al. 2015).
 */
public class LSTM extends GatedRecurrentLayer {

    private double forgetGateBiasInit = 1.0;

    /** For JSON deserialisation only. */
    @SuppressWarnings("unused")
    private LSTM() {
    }

    private LSTM(Builder builder) {
        super(builder);
        this.forgetGateBiasInit = builder.forgetGateBiasInit;
    }

    public double getForgetGateBiasInit() {
        return forgetGateBiasInit;
    }

    public void setForgetGateBiasInit(double forgetGateBiasInit) {
        this.forgetGateBiasInit = forgetGateBiasInit;
    }

    @Override
    public int gateBlocks() {
        return 4;
    }

    @Override
    public void initBias(INDArray bias, double biasInit) {
        long h = getNOut();
        bias.assign(biasInit);
        bias.get(all(), interval(h, 2 * h)).assign(forgetGateBiasInit);
    }

    @Override
    public RecurrentKernel kernel() {
        return LSTMKernel.of(this);
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && Double.compare(forgetGateBiasInit, ((LSTM) o).forgetGateBiasInit) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Double.hashCode(forgetGateBiasInit);
    }

    @Override
    public String toString() {
        return "LSTM(nIn=" + nIn + ", nOut=" + nOut + ", activation=" + activationFn + ", gateActivation="
                + getGateActivationFn() + ", forgetGateBiasInit=" + forgetGateBiasInit + ", name=" + getLayerName() + ")";
    }

    /** Builder: {@code new LSTM.Builder().nIn(64).nOut(256).build()}. */
    public static class Builder extends GatedRecurrentLayer.Builder<Builder> {

        private double forgetGateBiasInit = 1.0;

        /** Initial bias of the forget gate (default 1.0). */
        public Builder forgetGateBiasInit(double forgetGateBiasInit) {
            this.forgetGateBiasInit = forgetGateBiasInit;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public LSTM build() {
            return new LSTM(this);
        }
    }
}
