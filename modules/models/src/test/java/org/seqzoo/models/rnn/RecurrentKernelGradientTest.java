package org.seqzoo.models.rnn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.testing.Cell;
import org.seqzoo.models.testing.DoublePrecision;

/**
 * Finite-difference check of every gradient {@link RecurrentKernel#backward} returns, including those DL4J's
 * {@code GradientCheckUtil} cannot see: with respect to the input sequence, the initial state ({@code h} and the
 * LSTM's {@code c}), through a gradient arriving at the last state (how an encoder's final state feeds a
 * decoder), and through a {@link StepInput} that depends on the previous state (how attention enters a
 * decoder). Loss {@code L = Σ output ⊙ R1 + Σ lastState ⊙ R2 + Σ stepInputParams-dependent terms}, double
 * precision, masks of unequal lengths.
 */
@ExtendWith(DoublePrecision.class)
class RecurrentKernelGradientTest {

    private static final int BATCH = 3;
    private static final int IN = 2;
    private static final int HIDDEN = 3;
    private static final int STEPS = 4;
    private static final double EPS = 1e-6;

    /**
     * A toy state-dependent input: adds {@code Vᵀ tanh(h_{t-1})} to the pre-activations, with its own parameter
     * {@code V [H, G·H]} and gradient.
     */
    private static final class TanhFeedback implements StepInput {
        final INDArray v;
        final INDArray dv;

        TanhFeedback(INDArray v) {
            this.v = v;
            this.dv = Nd4j.zeros(v.dataType(), v.shape());
        }

        @Override
        public void forward(long step, INDArray previousState, INDArray z) {
            z.addi(v.transpose().mmul(org.nd4j.linalg.ops.transforms.Transforms.tanh(previousState, true)));
        }

        @Override
        public void backward(long step, INDArray previousState, INDArray zGradient, INDArray previousStateGradient) {
            INDArray t = org.nd4j.linalg.ops.transforms.Transforms.tanh(previousState, true);
            dv.addi(t.mmul(zGradient.transpose()));
            INDArray dt = v.mmul(zGradient);
            previousStateGradient.addi(dt.mul(t.mul(t).rsub(1.0)));
        }
    }

    @ParameterizedTest(name = "{0}, masked={1}, stepInput={2}")
    @CsvSource({"GRU_RESET_AFTER,false,false", "GRU_RESET_AFTER,true,false", "GRU_RESET_BEFORE,false,false",
            "GRU_RESET_BEFORE,true,false", "LSTM,false,false", "LSTM,true,false", "GRU_RESET_AFTER,true,true",
            "GRU_RESET_BEFORE,true,true", "LSTM,true,true"})
    void everyGradientMatchesFiniteDifferences(Cell cell, boolean masked, boolean withStepInput) {
        Nd4j.getRandom().setSeed(7);
        RecurrentKernel kernel = cell.kernel();
        int g = cell.gates() * HIDDEN;
        GateWeights weights = cell.randomWeights(IN, HIDDEN, 0.7);
        GateWeights gradients = cell.zeroGradients(IN, HIDDEN);
        INDArray x = Nd4j.randn(DataType.DOUBLE, BATCH, IN, STEPS);
        boolean lstm = cell == Cell.LSTM;
        RecurrentState initial = new RecurrentState(Nd4j.randn(DataType.DOUBLE, BATCH, HIDDEN).muli(0.5),
                lstm ? Nd4j.randn(DataType.DOUBLE, BATCH, HIDDEN).muli(0.5) : null);
        INDArray mask = null;
        if (masked) {
            mask = Nd4j.ones(DataType.DOUBLE, BATCH, STEPS);
            mask.get(point(1), interval(2, STEPS)).assign(0.0);
            mask.get(point(2), interval(1, STEPS)).assign(0.0);
        }
        TanhFeedback feedback = withStepInput ? new TanhFeedback(Nd4j.randn(DataType.DOUBLE, HIDDEN, g).muli(0.5))
                : null;
        INDArray r1 = Nd4j.randn(DataType.DOUBLE, BATCH, HIDDEN, STEPS);
        RecurrentState r2 = new RecurrentState(Nd4j.randn(DataType.DOUBLE, BATCH, HIDDEN),
                lstm ? Nd4j.randn(DataType.DOUBLE, BATCH, HIDDEN) : null);

        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
        RecurrentKernel.Pass pass = kernel.forward(weights, x, initial, mask, feedback, true, true, none);
        RecurrentKernel.InputGradients analytic = kernel.backward(weights, gradients, pass, r1, r2, -1, none);

        INDArray finalMask = mask;
        Loss loss = () -> {
            RecurrentKernel.Pass p = kernel.forward(weights, x, initial, finalMask, feedback, false, false, none);
            double value = p.output().mul(r1).sumNumber().doubleValue()
                    + p.lastState().h().mul(r2.h()).sumNumber().doubleValue();
            return lstm ? value + p.lastState().c().mul(r2.c()).sumNumber().doubleValue() : value;
        };
        assertMatches("dL/dx", x, analytic.input(), loss);
        assertMatches("dL/dh0", initial.h(), analytic.initialState().h(), loss);
        if (lstm) {
            assertMatches("dL/dc0", initial.c(), analytic.initialState().c(), loss);
        }
        assertMatches("dL/dW", weights.w(), gradients.w(), loss);
        assertMatches("dL/dRW", weights.rw(), gradients.rw(), loss);
        assertMatches("dL/db", weights.b(), gradients.b(), loss);
        if (cell.hasRecurrentBias()) {
            assertMatches("dL/dRB", weights.rb(), gradients.rb(), loss);
        }
        if (feedback != null) {
            assertMatches("dL/dV (step input)", feedback.v, feedback.dv, loss);
        }
    }

    private interface Loss {
        double value();
    }

    /** Central differences for every element of {@code variable}; compares with {@code analytic}. */
    private static void assertMatches(String name, INDArray variable, INDArray analytic, Loss loss) {
        for (long i = 0; i < variable.length(); i++) {
            long[] index = Shape.ind2subC(variable, i);
            double original = variable.getDouble(index);
            variable.putScalar(index, original + EPS);
            double plus = loss.value();
            variable.putScalar(index, original - EPS);
            double minus = loss.value();
            variable.putScalar(index, original);
            double numeric = (plus - minus) / (2 * EPS);
            double exact = analytic.getDouble(index);
            double error = Math.abs(numeric - exact) / Math.max(1e-8, Math.abs(numeric) + Math.abs(exact));
            assertTrue(error < 1e-6 || Math.abs(numeric - exact) < 1e-9,
                    name + "[" + i + "]: analytic " + exact + " vs numeric " + numeric);
        }
    }
}
