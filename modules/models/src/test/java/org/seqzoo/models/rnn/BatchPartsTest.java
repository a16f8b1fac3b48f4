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

    /** Everything a forward and backward pass produce, copied out of the workspaces. */
    private record Results(List<INDArray> arrays) {
    }

    @ParameterizedTest(name = "{0}, batch={1}, threads={2}, backLength={3}")
    @CsvSource({"GRU_RESET_AFTER,19,2,-1", "GRU_RESET_AFTER,25,3,3", "GRU_RESET_BEFORE,19,2,-1",
            "GRU_RESET_BEFORE,25,3,-1", "LSTM,19,2,-1", "LSTM,25,3,4"})
    void splitPassEqualsUnsplitPass(Cell cell, int batch, int threads, int backLength) {
        KernelThreads.set(threads);
        int expectedParts = Math.min(threads, batch / KernelThreads.MIN_COLUMNS_PER_PART);
        Results split = run(cell, batch, backLength, expectedParts);
        KernelThreads.set(1);
        Results single = run(cell, batch, backLength, 1);
        assertEquals(single.arrays().size(), split.arrays().size());
        for (int i = 0; i < single.arrays().size(); i++) {
            INDArray expected = single.arrays().get(i);
            INDArray actual = split.arrays().get(i);
            assertTrue(expected.equalsWithEps(actual, TOLERANCE),
                    "array " + i + " differs: max |diff| = " + expected.sub(actual).amaxNumber());
        }
    }

    /**
     * How {@code dL/d output} {@code [B, H, T]} is laid out: C order, {@code 'f'} order (DL4J's recurrent layers)
     * or the {@code [H, T, B]} layout of SoftmaxOutputLayer's input gradient.
     */
    enum EpsilonLayout { C_ORDER, F_ORDER, FEATURE_MAJOR }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"GRU_RESET_AFTER,F_ORDER", "GRU_RESET_AFTER,FEATURE_MAJOR", "GRU_RESET_BEFORE,FEATURE_MAJOR",
            "LSTM,F_ORDER", "LSTM,FEATURE_MAJOR"})
    void everyOutputGradientLayoutGivesTheSameGradients(Cell cell, EpsilonLayout layout) {
        KernelThreads.set(2);
        Results split = run(cell, 19, -1, 2, layout);
        KernelThreads.set(1);
        Results reference = run(cell, 19, -1, 1, EpsilonLayout.C_ORDER);
        for (int i = 0; i < reference.arrays().size(); i++) {
            INDArray expected = reference.arrays().get(i);
            INDArray actual = split.arrays().get(i);
            assertTrue(expected.equalsWithEps(actual, TOLERANCE),
                    "array " + i + " differs: max |diff| = " + expected.sub(actual).amaxNumber());
        }
    }

    private static Results run(Cell cell, int batch, int backLength, int expectedParts) {
        return run(cell, batch, backLength, expectedParts, EpsilonLayout.C_ORDER);
    }

    private static Results run(Cell cell, int batch, int backLength, int expectedParts, EpsilonLayout layout) {
        Nd4j.getRandom().setSeed(11);
        RecurrentKernel kernel = cell.kernel();
        GateWeights weights = cell.randomWeights(IN, HIDDEN, 0.6);
        GateWeights gradients = cell.zeroGradients(IN, HIDDEN);
        INDArray x = Nd4j.randn(DataType.DOUBLE, batch, IN, STEPS);
        boolean lstm = cell == Cell.LSTM;
        RecurrentState initial = new RecurrentState(Nd4j.randn(DataType.DOUBLE, batch, HIDDEN),
                lstm ? Nd4j.randn(DataType.DOUBLE, batch, HIDDEN) : null);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, batch, STEPS);
        for (int b = 0; b < batch; b++) {
            for (int t = STEPS - b % 4; t < STEPS; t++) {
                mask.putScalar(b, t, 0.0);
            }
        }
        INDArray epsilon = Nd4j.randn(DataType.DOUBLE, batch, HIDDEN, STEPS);
        epsilon = switch (layout) {
            case C_ORDER -> epsilon;
            case F_ORDER -> epsilon.dup('f');
            case FEATURE_MAJOR -> Nd4j.create(DataType.DOUBLE, new long[] {HIDDEN, STEPS, batch}, 'c')
                    .assign(epsilon.permute(1, 2, 0)).permute(2, 0, 1);
        };
        RecurrentState lastGradient = new RecurrentState(Nd4j.randn(DataType.DOUBLE, batch, HIDDEN),
                lstm ? Nd4j.randn(DataType.DOUBLE, batch, HIDDEN) : null);

        LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();
        RecurrentKernel.Pass pass = kernel.forward(weights, x, initial, mask, null, true, true, workspaces);
        BatchParts parts = cell == Cell.LSTM ? ((LSTMKernel.ForwardPass) pass).split()
                : ((GRUKernel.ForwardPass) pass).split();
        assertEquals(expectedParts, parts.count(), "parts");
        List<INDArray> arrays = new ArrayList<>();
        arrays.add(pass.output().dup());
        RecurrentState last = pass.lastState();
        arrays.add(last.h().dup());
        if (lstm) {
            arrays.add(last.c().dup());
        }
        RecurrentKernel.InputGradients grads = kernel.backward(weights, gradients, pass, epsilon, lastGradient,
                backLength, workspaces);
        arrays.add(grads.input().dup());
        arrays.add(grads.initialState().h().dup());
        if (lstm) {
            assertNotNull(grads.initialState().c());
            arrays.add(grads.initialState().c().dup());
        }
        arrays.add(gradients.w().dup());
        arrays.add(gradients.rw().dup());
        arrays.add(gradients.b().dup());
        if (gradients.rb() != null) {
            arrays.add(gradients.rb().dup());
        }
        return new Results(arrays);
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
