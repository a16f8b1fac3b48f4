package org.seqzoo.models.rnn;

import java.util.Map;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The parameters of a gated recurrent cell with {@code G} gate blocks of {@code H} units (or their gradients),
 * as laid out by {@link GatedParamInitializer}: input weights {@code w [nIn, G·H]} and recurrent weights
 * {@code rw [H, G·H]} ({@code 'f'} order), bias {@code b [1, G·H]}, and the GRU's recurrent candidate bias
 * {@code rb [1, H]} (reset-after only, else {@code null}).
 */
public record GateWeights(INDArray w, INDArray rw, INDArray b, INDArray rb) {

    public GateWeights {
        Objects.requireNonNull(w, "w");
        Objects.requireNonNull(rw, "rw");
        Objects.requireNonNull(b, "b");
    }

    /** From a layer's parameter (or gradient) table keyed as in {@link GatedParamInitializer}. */
    public static GateWeights of(Map<String, INDArray> table) {
        return new GateWeights(table.get(GatedParamInitializer.INPUT_WEIGHT_KEY),
                table.get(GatedParamInitializer.RECURRENT_WEIGHT_KEY), table.get(GatedParamInitializer.BIAS_KEY),
                table.get(GatedParamInitializer.RECURRENT_BIAS_KEY));
    }

    /** Hidden size H. */
    public long hidden() {
        return rw.size(0);
    }
}
