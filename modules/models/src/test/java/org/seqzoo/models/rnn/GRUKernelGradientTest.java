package org.seqzoo.models.rnn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.testing.DoublePrecision;

/**
 * Finite-difference check of the gradients {@link GRUKernel#backward} returns that DL4J's
 * {@code GradientCheckUtil} cannot see: with respect to the input sequence, the initial state, and through
 * a gradient arriving at the last state (how a seq2seq encoder's final state feeds a decoder).
 * Loss {@code L = Σ output ⊙ R1 + Σ lastState ⊙ R2}, double precision, masks of unequal lengths.
 */
@ExtendWith(DoublePrecision.class)
class GRUKernelGradientTest {

    private static final int BATCH = 3;
    private static final int IN = 2;
    private static final int HIDDEN = 3;
    private static final int STEPS = 4;
    private static final double EPS = 1e-6;


    @ParameterizedTest(name = "resetAfter={0}, masked={1}")
    @CsvSource({"true,false", "true,true", "false,false", "false,true"})
    void inputAndInitialStateGradientsMatchFiniteDifferences(boolean resetAfter, boolean masked) {
        Nd4j.getRandom().setSeed(7);
        GRUKernel kernel = new GRUKernel(resetAfter, new ActivationSigmoid(), new ActivationTanH());
        GRUKernel.Weights weights = new GRUKernel.Weights(Nd4j.randn(DataType.DOUBLE, IN, 3 * HIDDEN),
                Nd4j.randn(DataType.DOUBLE, HIDDEN, 3 * HIDDEN).muli(0.7), Nd4j.randn(DataType.DOUBLE, 1, 3 * HIDDEN),
                resetAfter ? Nd4j.randn(DataType.DOUBLE, 1, HIDDEN) : null);
        INDArray x = Nd4j.randn(DataType.DOUBLE, BATCH, IN, STEPS);
        INDArray h0 = Nd4j.randn(DataType.DOUBLE, BATCH, HIDDEN).muli(0.5);
        INDArray mask = null;
        if (masked) {
            mask = Nd4j.ones(DataType.DOUBLE, BATCH, STEPS);
            mask.get(point(1), interval(2, STEPS)).assign(0.0);
            mask.get(point(2), interval(1, STEPS)).assign(0.0);
        }
        INDArray r1 = Nd4j.randn(DataType.DOUBLE, BATCH, HIDDEN, STEPS);
        INDArray r2 = Nd4j.randn(DataType.DOUBLE, BATCH, HIDDEN);

        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
        GRUKernel.ForwardPass pass = kernel.forward(weights, x, h0, mask, true, true, none);
        // Weights above are C order (the kernel copies them to its layout); gradients must be 'f' like DL4J's views.
        GRUKernel.Weights gradients = new GRUKernel.Weights(Nd4j.create(DataType.DOUBLE, new long[] {IN, 3 * HIDDEN}, 'f'),
                Nd4j.create(DataType.DOUBLE, new long[] {HIDDEN, 3 * HIDDEN}, 'f'), Nd4j.zeros(DataType.DOUBLE, 1, 3 * HIDDEN),
                resetAfter ? Nd4j.zeros(DataType.DOUBLE, 1, HIDDEN) : null);
        GRUKernel.InputGradients analytic = kernel.backward(weights, gradients, pass, r1, r2, -1, none);

        INDArray finalMask = mask;
        Loss loss = () -> {
            GRUKernel.ForwardPass p = kernel.forward(weights, x, h0, finalMask, false, false, none);
            return p.output().mul(r1).sumNumber().doubleValue() + p.lastState().mul(r2).sumNumber().doubleValue();
        };
        assertMatches("dL/dx", x, analytic.input(), loss);
        assertMatches("dL/dh0", h0, analytic.initialState(), loss);
        assertMatches("dL/dW", weights.w(), gradients.w(), loss);
        assertMatches("dL/dRW", weights.rw(), gradients.rw(), loss);
        assertMatches("dL/db", weights.b(), gradients.b(), loss);
        if (resetAfter) {
            assertMatches("dL/dRB", weights.rb(), gradients.rb(), loss);
        }
    }

    private interface Loss {
        double value();
    }

    /** Central differences for every element of {@code variable}; compares with {@code analytic}. */
    private static void assertMatches(String name, INDArray variable, INDArray analytic, Loss loss) {
        for (long i = 0; i < variable.length(); i++) {
            long[] index = org.nd4j.linalg.api.shape.Shape.ind2subC(variable, i);
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
