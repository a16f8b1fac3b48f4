package org.seqzoo.models.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The array activations of the kernels' time loops: the exact forms against {@link Math}, the float32 fast forms
 * within 4e-7 of them over [-20, 20], and every derivative (taken from the output) against a central difference.
 */
class ScalarActivationTest {

    private static double[] grid(double from, double to, int count) {
        double[] x = new double[count];
        for (int i = 0; i < count; i++) {
            x[i] = from + (to - from) * i / (count - 1);
        }
        return x;
    }

    @Test
    void exactSigmoidAndTanhMatchMath() {
        double[] x = grid(-30, 30, 6001);
        double[] s = x.clone();
        double[] t = x.clone();
        ScalarActivation.SIGMOID.apply(s, 0, s.length, false);
        ScalarActivation.TANH.apply(t, 0, t.length, false);
        for (int i = 0; i < x.length; i++) {
            assertEquals(1.0 / (1.0 + Math.exp(-x[i])), s[i], 1e-15, "sigmoid(" + x[i] + ")");
            assertEquals(Math.tanh(x[i]), t[i], 1e-15, "tanh(" + x[i] + ")");
        }
    }

    @Test
    void fastSigmoidAndTanhAreFloatAccurate() {
        double[] x = grid(-20, 20, 400_001);
        double[] s = x.clone();
        double[] t = x.clone();
        ScalarActivation.SIGMOID.apply(s, 0, s.length, true);
        ScalarActivation.TANH.apply(t, 0, t.length, true);
        double worstSigmoid = 0;
        double worstTanh = 0;
        for (int i = 0; i < x.length; i++) {
            worstSigmoid = Math.max(worstSigmoid, Math.abs(s[i] - 1.0 / (1.0 + Math.exp(-x[i]))));
            worstTanh = Math.max(worstTanh, Math.abs(t[i] - Math.tanh(x[i])));
            assertTrue(s[i] >= 0.0 && s[i] <= 1.0 && t[i] >= -1.0 && t[i] <= 1.0, "out of range at " + x[i]);
        }
        assertTrue(worstTanh < 4e-7, "fast tanh max abs error " + worstTanh);
        assertTrue(worstSigmoid < 2e-7, "fast sigmoid max abs error " + worstSigmoid);
    }

    @ParameterizedTest
    @EnumSource(ScalarActivation.class)
    void floatFormsMatchExactForms(ScalarActivation fn) {
        double[] x = grid(-20, 20, 40_001);
        float[] single = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            single[i] = (float) x[i];
        }
        double[] exact = x.clone();
        fn.apply(exact, 0, exact.length, false);
        fn.apply(single, 0, single.length);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            worst = Math.max(worst, Math.abs(single[i] - exact[i]) / Math.max(1.0, Math.abs(exact[i])));
        }
        assertTrue(worst < 1e-6, fn + " float32 form max error " + worst);
    }

    @Test
    void onlyTheGivenRangeChanges() {
        double[] x = {5.0, 0.5, -0.5, 5.0};
        ScalarActivation.TANH.apply(x, 1, 3, false);
        assertEquals(5.0, x[0]);
        assertEquals(Math.tanh(0.5), x[1], 1e-15);
        assertEquals(5.0, x[3]);
    }

    @ParameterizedTest
    @EnumSource(ScalarActivation.class)
    void derivativeFromOutputMatchesCentralDifference(ScalarActivation fn) {
        // Points away from the kinks of relu and hard sigmoid, where the derivative is not defined.
        double[] x = {-3.7, -1.3, -0.4, 0.3, 1.1, 2.9};
        double h = 1e-6;
        double[] y = x.clone();
        fn.apply(y, 0, y.length, false);
        double[] gradient = new double[x.length];
        java.util.Arrays.fill(gradient, 2.0);
        fn.scaleByDerivative(y, 0, gradient, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            double[] plus = {x[i] + h};
            double[] minus = {x[i] - h};
            fn.apply(plus, 0, 1, false);
            fn.apply(minus, 0, 1, false);
            assertEquals(2.0 * (plus[0] - minus[0]) / (2 * h), gradient[i], 1e-6, fn + "'(" + x[i] + ")");
        }
    }
}
