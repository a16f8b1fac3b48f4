package org.seqzoo.models.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.seqzoo.models.cpu.KernelThreads;
import org.seqzoo.models.rnn.KernelPasses.EpsilonLayout;
import org.seqzoo.models.testing.Cell;

/**
 * The kernels' float32 forward loops (float[] blocks, fast activations) compute what their float64 loops compute:
 * the same problem ({@link KernelPasses}: masks, initial states, last-state gradients) run in both precisions gives
 * the same outputs, states and gradients to float32 accuracy, split over threads or not, in training and in
 * inference. The gradient checks
 * and reference cases cover the float64 loops and the float32 ones respectively; this ties the two together.
 */
class FloatLoopsTest {

    /** Absolute; the arrays compared are O(1) to O(10) (gradients summed over the batch and steps). */
    private static final double TOLERANCE = 2e-5;

    private final int threadsBefore = KernelThreads.get();

    @AfterEach
    void restoreThreads() {
        KernelThreads.set(threadsBefore);
    }

    @ParameterizedTest(name = "{0}, threads={1}, backLength={2}")
    @CsvSource({"GRU_RESET_AFTER,1,-1", "GRU_RESET_AFTER,2,3", "GRU_RESET_BEFORE,1,-1", "GRU_RESET_BEFORE,2,-1",
            "LSTM,1,-1", "LSTM,2,4"})
    void floatLoopsMatchDoubleLoops(Cell cell, int threads, int backLength) {
        KernelThreads.set(threads);
        KernelPasses exact = KernelPasses.run(cell, 19, backLength, EpsilonLayout.C_ORDER, DataType.DOUBLE);
        KernelPasses fast = KernelPasses.run(cell, 19, backLength, EpsilonLayout.C_ORDER, DataType.FLOAT);
        assertEquals(threads, fast.parts(), "parts");
        exact.assertEqual(fast, TOLERANCE);
    }

    /** Inference stores nothing for a backward pass (the LSTM keeps only its last cell): outputs and last states. */
    @ParameterizedTest(name = "{0}, threads={1}")
    @CsvSource({"GRU_RESET_AFTER,2", "GRU_RESET_BEFORE,1", "LSTM,1", "LSTM,2"})
    void floatInferenceMatchesDoubleInference(Cell cell, int threads) {
        KernelThreads.set(threads);
        KernelPasses exact = KernelPasses.run(cell, 19, -1, EpsilonLayout.C_ORDER, DataType.DOUBLE, false);
        KernelPasses fast = KernelPasses.run(cell, 19, -1, EpsilonLayout.C_ORDER, DataType.FLOAT, false);
        assertEquals(cell == Cell.LSTM ? 3 : 2, fast.arrays().size(), "output and last states");
        exact.assertEqual(fast, TOLERANCE);
    }
}
