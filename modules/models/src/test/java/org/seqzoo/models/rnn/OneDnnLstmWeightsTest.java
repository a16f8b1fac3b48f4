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
 * {@link OneDnnLstmWeights.Kept#changed} shared out between threads: the shares cover every byte of {@code W},
 * {@code U} and {@code b} once, so a change of any single parameter (first, last, or at a share's edge) is found by
 * exactly one share, and by none once converted again; the same parameters find the same kept conversion.
 */
class OneDnnLstmWeightsTest {

    private static final int IN = 3;
    private static final int HIDDEN = 5;

    @ParameterizedTest(name = "{0}[{1}] changed, {2} shares")
    @CsvSource({"w,0,1", "w,0,3", "w,59,2", "w,59,3", "rw,0,3", "rw,29,2", "rw,30,2", "rw,99,4", "b,0,3",
            "b,19,2", "b,19,3", "b,19,7"})
    void exactlyOneShareFindsAChange(String parameter, int element, int shares) {
        Nd4j.getRandom().setSeed(8);
        GateWeights drawn = Cell.LSTM.randomWeights(IN, HIDDEN, 0.6);
        GateWeights weights = new GateWeights(drawn.w().castTo(DataType.FLOAT).dup('f'),
                drawn.rw().castTo(DataType.FLOAT).dup('f'), drawn.b().castTo(DataType.FLOAT), null);
        OneDnnLstmWeights kept = new OneDnnLstmWeights();
        OneDnnLstmWeights.Kept first = kept.of(weights);
        for (int share = 0; share < shares; share++) {
            assertFalse(first.changed(share, shares), "nothing changed yet, share " + share);
        }

        INDArray changed = switch (parameter) {
            case "w" -> weights.w();
            case "rw" -> weights.rw();
            default -> weights.b();
        };
        INDArray memoryOrder = changed.reshape(changed.ordering(), new long[] {changed.length()});     // a view in memory order
        memoryOrder.putScalar(element, memoryOrder.getFloat(element) + 0.5f);
        OneDnnLstmWeights.Kept again = kept.of(weights);
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
