package org.seqzoo.models.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.testing.Cell;

/**
 * Everything one forward and backward pass of a kernel produces (output, last states, input, initial-state and
 * parameter gradients), copied out of the workspaces, on a fixed random problem with everything switched on:
 * masks of unequal lengths, initial states, a gradient arriving at the last state, optionally truncated BPTT.
 * The problem is drawn in double precision and cast to the pass's type, so passes in float32 and float64 see the
 * same numbers.
 */
record KernelPasses(List<INDArray> arrays, int parts) {

    static final int IN = 3;
    static final int HIDDEN = 4;
    static final int STEPS = 6;

    /**
     * How {@code dL/d output} {@code [B, H, T]} is laid out: C order, {@code 'f'} order (DL4J's recurrent layers)
     * or the {@code [H, T, B]} layout of SoftmaxOutputLayer's input gradient.
     */
    enum EpsilonLayout { C_ORDER, F_ORDER, FEATURE_MAJOR }

    static KernelPasses run(Cell cell, int batch, int backLength, EpsilonLayout layout, DataType type) {
        return run(cell, batch, backLength, layout, type, true);
    }

    /** Only the forward pass (outputs and last states) when not {@code withBackward}: inference, nothing stored. */
    static KernelPasses run(Cell cell, int batch, int backLength, EpsilonLayout layout, DataType type,
                            boolean withBackward) {
        Nd4j.getRandom().setSeed(11);
        RecurrentKernel kernel = cell.kernel();
        GateWeights drawn = cell.randomWeights(IN, HIDDEN, 0.6);
        GateWeights weights = new GateWeights(drawn.w().castTo(type), drawn.rw().castTo(type),
                drawn.b().castTo(type), drawn.rb() == null ? null : drawn.rb().castTo(type));
        GateWeights gradients = cell.zeroGradients(IN, HIDDEN, type);
        INDArray x = Nd4j.randn(DataType.DOUBLE, batch, IN, STEPS).castTo(type);
        boolean lstm = cell == Cell.LSTM;
        RecurrentState initial = new RecurrentState(Nd4j.randn(DataType.DOUBLE, batch, HIDDEN).castTo(type),
                lstm ? Nd4j.randn(DataType.DOUBLE, batch, HIDDEN).castTo(type) : null);
        INDArray mask = Nd4j.ones(type, batch, STEPS);
        for (int b = 0; b < batch; b++) {
            for (int t = STEPS - b % 4; t < STEPS; t++) {
                mask.putScalar(b, t, 0.0);
            }
        }
        INDArray epsilon = Nd4j.randn(DataType.DOUBLE, batch, HIDDEN, STEPS).castTo(type);
        epsilon = switch (layout) {
            case C_ORDER -> epsilon;
            case F_ORDER -> epsilon.dup('f');
            case FEATURE_MAJOR -> Nd4j.create(type, new long[] {HIDDEN, STEPS, batch}, 'c')
                    .assign(epsilon.permute(1, 2, 0)).permute(2, 0, 1);
        };
        RecurrentState lastGradient = new RecurrentState(Nd4j.randn(DataType.DOUBLE, batch, HIDDEN).castTo(type),
                lstm ? Nd4j.randn(DataType.DOUBLE, batch, HIDDEN).castTo(type) : null);

        LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();
        RecurrentKernel.Pass pass = kernel.forward(weights, x, initial, mask, null, withBackward, withBackward,
                workspaces);
        BatchParts parts = cell == Cell.LSTM ? ((LSTMKernel.ForwardPass) pass).split()
                : ((GRUKernel.ForwardPass) pass).split();
        List<INDArray> arrays = new ArrayList<>();
        arrays.add(pass.output().dup());
        RecurrentState last = pass.lastState();
        arrays.add(last.h().dup());
        if (lstm) {
            arrays.add(last.c().dup());
        }
        if (!withBackward) {
            return new KernelPasses(arrays, parts.count());
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
        return new KernelPasses(arrays, parts.count());
    }

    /** Asserts that {@code other} produced the same arrays, to {@code tolerance} per element (compared in double). */
    void assertEqual(KernelPasses other, double tolerance) {
        assertEquals(arrays.size(), other.arrays.size());
        for (int i = 0; i < arrays.size(); i++) {
            INDArray expected = arrays.get(i).castTo(DataType.DOUBLE);
            INDArray actual = other.arrays.get(i).castTo(DataType.DOUBLE);
            assertTrue(expected.equalsWithEps(actual, tolerance),
                    "array " + i + " differs: max |diff| = " + expected.sub(actual).amaxNumber());
        }
    }
}
