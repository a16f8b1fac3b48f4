package org.seqzoo.models.rnn;

import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The state a recurrent cell carries between steps, each {@code [minibatch, H]}: the hidden state {@code h},
 * and for an LSTM the cell state {@code c} ({@code null} for a GRU).
 */
public record RecurrentState(INDArray h, INDArray c) {

    public RecurrentState {
        Objects.requireNonNull(h, "h");
    }

    /** A GRU state: {@code h} only. */
    public static RecurrentState of(INDArray h) {
        return new RecurrentState(h, null);
    }
}
