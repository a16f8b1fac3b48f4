package org.seqzoo.models.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.cpu.KernelThreads;
import org.seqzoo.models.testing.Cell;
import org.seqzoo.models.testing.DoublePrecision;
import org.seqzoo.models.rnn.KernelPasses.EpsilonLayout;

/**
 * A pass whose minibatch is split over threads ({@link BatchParts}, {@link KernelThreads}) computes what the
 * unsplit pass computes: outputs, last states and every gradient (parameters, input, initial state), with
 * masks of unequal lengths, initial states, a gradient arriving at the last state, truncated BPTT, and parts
 * of unequal size. Double precision; only the order of the parameter-gradient sums differs.
 */
@ExtendWith(DoublePrecision.class)
class BatchPartsTest {

    private static final int IN = 3;
    private static final int HIDDEN = 4;
    private static final int STEPS = 6;
    private static final double TOLERANCE = 1e-12;

    private final int threadsBefore = KernelThreads.get();

    @AfterEach
    void restoreThreads() {
        KernelThreads.set(threadsBefore);
    }

    @ParameterizedTest(name = "{0}, batch={1}, threads={2}, backLength={3}")
    @CsvSource({"GRU_RESET_AFTER,19,2,-1", "GRU_RESET_AFTER,25,3,3", "GRU_RESET_BEFORE,19,2,-1",
            "GRU_RESET_BEFORE,25,3,-1", "LSTM,19,2,-1", "LSTM,25,3,4"})
    void splitPassEqualsUnsplitPass(Cell cell, int batch, int threads, int backLength) {
        KernelThreads.set(threads);
        int expectedParts = Math.min(threads, batch / KernelThreads.MIN_COLUMNS_PER_PART);
        KernelPasses split = KernelPasses.run(cell, batch, backLength, EpsilonLayout.C_ORDER, DataType.DOUBLE);
        assertEquals(expectedParts, split.parts(), "parts");
        KernelThreads.set(1);
        KernelPasses single = KernelPasses.run(cell, batch, backLength, EpsilonLayout.C_ORDER, DataType.DOUBLE);
        assertEquals(1, single.parts(), "parts");
        single.assertEqual(split, TOLERANCE);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"GRU_RESET_AFTER,F_ORDER", "GRU_RESET_AFTER,FEATURE_MAJOR", "GRU_RESET_BEFORE,FEATURE_MAJOR",
            "LSTM,F_ORDER", "LSTM,FEATURE_MAJOR"})
    void everyOutputGradientLayoutGivesTheSameGradients(Cell cell, EpsilonLayout layout) {
        KernelThreads.set(2);
        KernelPasses split = KernelPasses.run(cell, 19, -1, layout, DataType.DOUBLE);
        assertEquals(2, split.parts(), "parts");
        KernelThreads.set(1);
        KernelPasses reference = KernelPasses.run(cell, 19, -1, EpsilonLayout.C_ORDER, DataType.DOUBLE);
        reference.assertEqual(split, TOLERANCE);
    }

    @Test
    void singleStepsAndSmallBatchesAreNotSplit() {
        KernelThreads.set(4);
        assertEquals(1, KernelThreads.parts(64, 1));
        assertEquals(1, KernelThreads.parts(KernelThreads.MIN_COLUMNS_PER_PART * 2 - 1, 30));
        assertEquals(2, KernelThreads.parts(KernelThreads.MIN_COLUMNS_PER_PART * 2, 30));
        assertEquals(4, KernelThreads.parts(64, 30));
    }

    @Test
    void aFailingPartIsRethrownAfterAllPartsFinished() {
        boolean[] finished = new boolean[3];
        IllegalStateException thrown = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> KernelThreads.run(3, p -> {
                    finished[p] = true;
                    if (p == 2) {
                        throw new IllegalStateException("part " + p + " failed");
                    }
                }));
        assertEquals("part 2 failed", thrown.getMessage());
        assertTrue(finished[0] && finished[1] && finished[2]);
    }
}
