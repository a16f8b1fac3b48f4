package org.seqzoo.models.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.testing.Cell;

/**
 * {@link OneDnnRecurrentWeights.Kept#changed} shared out between threads: the shares cover every byte of {@code W},
 * {@code U}, {@code b} (and a GRU's {@code rb}) once, so a change of any single parameter (first, last, or at a
 * share's edge) is found by exactly one share, and by none once converted again; the same parameters find the same
 * kept conversion.
 */
class OneDnnRecurrentWeightsTest {

    private static final int IN = 3;
    private static final int HIDDEN = 5;

    @ParameterizedTest(name = "{0}: {1}[{2}] changed, {3} shares")
    @CsvSource({"LSTM,w,0,1", "LSTM,w,0,3", "LSTM,w,59,2", "LSTM,w,59,3", "LSTM,rw,0,3", "LSTM,rw,29,2",
            "LSTM,rw,30,2", "LSTM,rw,99,4", "LSTM,b,0,3", "LSTM,b,19,2", "LSTM,b,19,3", "LSTM,b,19,7",
            "GRU_RESET_AFTER,w,0,2", "GRU_RESET_AFTER,rw,74,3", "GRU_RESET_AFTER,b,14,2", "GRU_RESET_AFTER,rb,0,2",
            "GRU_RESET_AFTER,rb,4,3", "GRU_RESET_AFTER,rb,4,7", "GRU_RESET_BEFORE,b,14,3"})
    void exactlyOneShareFindsAChange(OneDnnCell cell, String parameter, int element, int shares) {
        Nd4j.getRandom().setSeed(8);
        GateWeights drawn = (cell == OneDnnCell.LSTM ? Cell.LSTM
                : cell == OneDnnCell.GRU_RESET_AFTER ? Cell.GRU_RESET_AFTER : Cell.GRU_RESET_BEFORE)
                .randomWeights(IN, HIDDEN, 0.6);
        GateWeights weights = new GateWeights(drawn.w().castTo(DataType.FLOAT).dup('f'),
                drawn.rw().castTo(DataType.FLOAT).dup('f'), drawn.b().castTo(DataType.FLOAT),
                drawn.rb() == null ? null : drawn.rb().castTo(DataType.FLOAT));
        OneDnnRecurrentWeights kept = new OneDnnRecurrentWeights();
        OneDnnRecurrentWeights.Kept first = kept.of(cell, weights);
        for (int share = 0; share < shares; share++) {
            assertFalse(first.changed(share, shares), "nothing changed yet, share " + share);
        }

        INDArray changed = switch (parameter) {
            case "w" -> weights.w();
            case "rw" -> weights.rw();
            case "rb" -> weights.rb();
            default -> weights.b();
        };
        INDArray memoryOrder = changed.reshape(changed.ordering(), new long[] {changed.length()});  // memory order
        memoryOrder.putScalar(element, memoryOrder.getFloat(element) + 0.5f);
        OneDnnRecurrentWeights.Kept again = kept.of(cell, weights);
        assertSame(first.entry(), again.entry(), "the same parameters keep their conversion");
        int finding = 0;
        for (int share = 0; share < shares; share++) {
            finding += again.changed(share, shares) ? 1 : 0;
        }
        assertEquals(1, finding, "shares that found the change");

        again.convert();
        for (int share = 0; share < shares; share++) {
            assertFalse(again.changed(share, shares), "converted again, share " + share);
        }
    }
}
