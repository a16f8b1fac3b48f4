package org.seqzoo.models.testing;

import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.rnn.GRU;
import org.seqzoo.models.rnn.GRUKernel;
import org.seqzoo.models.rnn.GateWeights;
import org.seqzoo.models.rnn.GatedRecurrentLayer;
import org.seqzoo.models.rnn.LSTM;
import org.seqzoo.models.rnn.LSTMKernel;
import org.seqzoo.models.rnn.RecurrentKernel;

/** The seqzoo cell variants tests run over: both GRU forms and the LSTM. */
public enum Cell {
    GRU_RESET_AFTER(3, true),
    GRU_RESET_BEFORE(3, false),
    LSTM(4, false);

    private final int gates;
    private final boolean recurrentBias;

    Cell(int gates, boolean recurrentBias) {
        this.gates = gates;
        this.recurrentBias = recurrentBias;
    }

    /** Gate blocks G. */
    public int gates() {
        return gates;
    }

    /** Whether the layout has the reset-after GRU's recurrent candidate bias. */
    public boolean hasRecurrentBias() {
        return recurrentBias;
    }

    /** A builder for this cell's layer configuration. */
    public GatedRecurrentLayer.Builder<?> builder() {
        return this == LSTM ? new org.seqzoo.models.rnn.LSTM.Builder()
                : new GRU.Builder().resetAfter(this == GRU_RESET_AFTER);
    }

    /** The kernel with default activations. */
    public RecurrentKernel kernel() {
        return this == LSTM ? new LSTMKernel(new ActivationSigmoid(), new ActivationTanH())
                : new GRUKernel(this == GRU_RESET_AFTER, new ActivationSigmoid(), new ActivationTanH());
    }

    /**
     * Random double-precision weights for {@code nIn} inputs and {@code hidden} units, the recurrent ones scaled
     * by {@code recurrentScale}; in C order on purpose (the kernels copy them to their layout).
     */
    public GateWeights randomWeights(int nIn, int hidden, double recurrentScale) {
        int g = gates * hidden;
        return new GateWeights(Nd4j.randn(DataType.DOUBLE, nIn, g),
                Nd4j.randn(DataType.DOUBLE, hidden, g).muli(recurrentScale), Nd4j.randn(DataType.DOUBLE, 1, g),
                recurrentBias ? Nd4j.randn(DataType.DOUBLE, 1, hidden) : null);
    }

    /** Zeroed gradient arrays for {@link #randomWeights}' shapes, weights in {@code 'f'} order like DL4J's views. */
    public GateWeights zeroGradients(int nIn, int hidden) {
        return zeroGradients(nIn, hidden, DataType.DOUBLE);
    }

    /** {@link #zeroGradients(int, int)} of the given type. */
    public GateWeights zeroGradients(int nIn, int hidden, DataType type) {
        int g = gates * hidden;
        return new GateWeights(Nd4j.create(type, new long[] {nIn, g}, 'f'),
                Nd4j.create(type, new long[] {hidden, g}, 'f'), Nd4j.zeros(type, 1, g),
                recurrentBias ? Nd4j.zeros(type, 1, hidden) : null);
    }
}
