package org.seqzoo.models.rnn;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationTanH;

/**
 * The activations a recurrent kernel applies element by element inside its time loop, over ranges of a
 * {@code double[]} (a step's gate block, copied out of native memory), each with its derivative written in terms of
 * its output {@code y = f(x)} — which the forward pass stores anyway — so that the backward pass needs neither
 * the pre-activations nor a second evaluation of {@code f}. The definitions are ND4J's (e.g. hard sigmoid
 * {@code max(0, min(1, 0.2x + 0.5))}).
 *
 * <p>Every method is one simple loop over an array range, which HotSpot's C2 compiles to SIMD instructions —
 * except {@link Math#exp}, which it does not vectorise (~20 ns per call here). So when the kernel computes in
 * {@code float} ({@code fast = true}), sigmoid and tanh use a rational approximation of tanh
 * ({@link #fastTanh}, max abs error 4e-7, below float32's resolution near ±1) and
 * {@code σ(x) = (1 + tanh(x/2)) / 2}: about 1 ns per element instead of 20. In {@code double} (gradient
 * checks) they are computed exactly from {@code exp}. Public for the attention loops of seqzoo's decoders.
 */
public enum ScalarActivation {
    SIGMOID {
        @Override
        public void apply(double[] x, int from, int to, boolean fast) {
            if (fast) {
                for (int i = from; i < to; i++) {
                    x[i] = 0.5 + 0.5 * fastTanh(0.5 * x[i]);
                }
            } else {
                for (int i = from; i < to; i++) {
                    x[i] = 1.0 / (1.0 + Math.exp(-x[i]));
                }
            }
        }

        @Override
        public void apply(float[] x, int from, int to) {
            for (int i = from; i < to; i++) {
                x[i] = 0.5f + 0.5f * fastTanh(0.5f * x[i]);
            }
        }

        @Override
        public void scaleByDerivative(double[] y, int yFrom, double[] g, int gFrom, int count) {
            for (int i = 0; i < count; i++) {
                double v = y[yFrom + i];
                g[gFrom + i] *= v * (1.0 - v);
            }
        }

        @Override
        public void scaleByDerivative(float[] y, int yFrom, float[] g, int gFrom, int count) {
            for (int i = 0; i < count; i++) {
                float v = y[yFrom + i];
                g[gFrom + i] *= v * (1.0f - v);
            }
        }
    },
    TANH {
        @Override
        public void apply(double[] x, int from, int to, boolean fast) {
            if (fast) {
                for (int i = from; i < to; i++) {
                    x[i] = fastTanh(x[i]);
                }
            } else {
                for (int i = from; i < to; i++) {
                    // 1 - 2 / (e^{2x} + 1), exact to double rounding; Math.tanh is several times slower.
                    double v = Math.max(-20.0, Math.min(20.0, x[i]));
                    x[i] = 1.0 - 2.0 / (Math.exp(2.0 * v) + 1.0);
                }
            }
        }

        @Override
        public void apply(float[] x, int from, int to) {
            for (int i = from; i < to; i++) {
                x[i] = fastTanh(x[i]);
            }
        }

        @Override
        public void scaleByDerivative(double[] y, int yFrom, double[] g, int gFrom, int count) {
            for (int i = 0; i < count; i++) {
                double v = y[yFrom + i];
                g[gFrom + i] *= 1.0 - v * v;
            }
        }

        @Override
        public void scaleByDerivative(float[] y, int yFrom, float[] g, int gFrom, int count) {
            for (int i = 0; i < count; i++) {
                float v = y[yFrom + i];
                g[gFrom + i] *= 1.0f - v * v;
            }
        }
    },
    HARD_SIGMOID {
        @Override
        public void apply(double[] x, int from, int to, boolean fast) {
            for (int i = from; i < to; i++) {
                x[i] = Math.max(0.0, Math.min(1.0, 0.2 * x[i] + 0.5));
            }
        }

        @Override
        public void apply(float[] x, int from, int to) {
            for (int i = from; i < to; i++) {
                x[i] = Math.max(0.0f, Math.min(1.0f, 0.2f * x[i] + 0.5f));
            }
        }

        @Override
        public void scaleByDerivative(double[] y, int yFrom, double[] g, int gFrom, int count) {
            for (int i = 0; i < count; i++) {
                double v = y[yFrom + i];
                g[gFrom + i] *= v > 0.0 && v < 1.0 ? 0.2 : 0.0;
            }
        }

        @Override
        public void scaleByDerivative(float[] y, int yFrom, float[] g, int gFrom, int count) {
            for (int i = 0; i < count; i++) {
                float v = y[yFrom + i];
                g[gFrom + i] *= v > 0.0f && v < 1.0f ? 0.2f : 0.0f;
            }
        }
    },
    SOFTSIGN {
        @Override
        public void apply(double[] x, int from, int to, boolean fast) {
            for (int i = from; i < to; i++) {
                x[i] = x[i] / (1.0 + Math.abs(x[i]));
            }
        }

        @Override
        public void apply(float[] x, int from, int to) {
            for (int i = from; i < to; i++) {
                x[i] = x[i] / (1.0f + Math.abs(x[i]));
            }
        }

        @Override
        public void scaleByDerivative(double[] y, int yFrom, double[] g, int gFrom, int count) {
            for (int i = 0; i < count; i++) {
                double s = 1.0 - Math.abs(y[yFrom + i]);
                g[gFrom + i] *= s * s;
            }
        }

        @Override
        public void scaleByDerivative(float[] y, int yFrom, float[] g, int gFrom, int count) {
            for (int i = 0; i < count; i++) {
                float s = 1.0f - Math.abs(y[yFrom + i]);
                g[gFrom + i] *= s * s;
            }
        }
    },
    RELU {
        @Override
        public void apply(double[] x, int from, int to, boolean fast) {
            for (int i = from; i < to; i++) {
                x[i] = Math.max(0.0, x[i]);
            }
        }

        @Override
        public void apply(float[] x, int from, int to) {
            for (int i = from; i < to; i++) {
                x[i] = Math.max(0.0f, x[i]);
            }
        }

        @Override
        public void scaleByDerivative(double[] y, int yFrom, double[] g, int gFrom, int count) {
            for (int i = 0; i < count; i++) {
                g[gFrom + i] *= y[yFrom + i] > 0.0 ? 1.0 : 0.0;
            }
        }

        @Override
        public void scaleByDerivative(float[] y, int yFrom, float[] g, int gFrom, int count) {
            for (int i = 0; i < count; i++) {
                g[gFrom + i] *= y[yFrom + i] > 0.0f ? 1.0f : 0.0f;
            }
        }
    },
    IDENTITY {
        @Override
        public void apply(double[] x, int from, int to, boolean fast) {
            // f(x) = x
        }

        @Override
        public void apply(float[] x, int from, int to) {
            // f(x) = x
        }

        @Override
        public void scaleByDerivative(double[] y, int yFrom, double[] g, int gFrom, int count) {
            // f' = 1
        }

        @Override
        public void scaleByDerivative(float[] y, int yFrom, float[] g, int gFrom, int count) {
            // f' = 1
        }
    };

    /** Beyond ±this, {@link #fastTanh}'s rational function is not used: tanh is ±1 to float precision there. */
    private static final double FAST_TANH_CLAMP = 7.90531110763549805;
    private static final float FAST_TANH_CLAMP_F = (float) FAST_TANH_CLAMP;

    /**
     * {@code x[i] = f(x[i])} for {@code from <= i < to}; {@code fast} allows float32-accurate approximations
     * (see the class comment).
     */
    public abstract void apply(double[] x, int from, int to, boolean fast);

    /**
     * {@code x[i] = f(x[i])} for {@code from <= i < to} in float32, always with the fast forms: the float loops
     * of the kernels' forward passes, which vectorise twice as wide as the double ones.
     */
    public abstract void apply(float[] x, int from, int to);

    /** {@code g[gFrom + i] *= f'(x)} given {@code y[yFrom + i] = f(x)}, for {@code i < count}. */
    public abstract void scaleByDerivative(double[] y, int yFrom, double[] g, int gFrom, int count);

    /** {@link #scaleByDerivative(double[], int, double[], int, int)} for the float32 loops. */
    public abstract void scaleByDerivative(float[] y, int yFrom, float[] g, int gFrom, int count);

    /**
     * tanh as the odd rational function {@code x·P(x²)/Q(x²)} (degrees 13/6) on {@code |x| <= 7.9053}: the
     * published minimax coefficients of Eigen's float tanh. Max abs error 4e-7 against {@link Math#tanh}
     * (checked over [-20, 20] by ScalarActivationTest); only multiplies, adds, one division and the input clamp, so
     * loops of it vectorise. The result needs no clamp: on the clamped range it stays within ±(1 − 2.6e-7), and
     * clamping it cost a third of the function's time (Math.min/max on doubles handle NaN and −0).
     */
    static double fastTanh(double x) {
        double v = Math.max(-FAST_TANH_CLAMP, Math.min(FAST_TANH_CLAMP, x));
        double v2 = v * v;
        double p = v2 * -2.76076847742355e-16 + 2.00018790482477e-13;
        p = p * v2 - 8.60467152213735e-11;
        p = p * v2 + 5.12229709037114e-08;
        p = p * v2 + 1.48572235717979e-05;
        p = p * v2 + 6.37261928875436e-04;
        p = p * v2 + 4.89352455891786e-03;
        double q = v2 * 1.19825839466702e-06 + 1.18534705686654e-04;
        q = q * v2 + 2.26843463243900e-03;
        q = q * v2 + 4.89352518554385e-03;
        return v * p / q;
    }

    /**
     * {@link #fastTanh(double)} evaluated in float32 (the coefficients rounded to float), for the float loops: about
     * 0.5 ns per element instead of 1.2 (measured over 32k-element arrays). Its max abs error is checked by
     * ScalarActivationTest.
     */
    static float fastTanh(float x) {
        float v = Math.max(-FAST_TANH_CLAMP_F, Math.min(FAST_TANH_CLAMP_F, x));
        float v2 = v * v;
        float p = v2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
        p = p * v2 - 8.60467152213735e-11f;
        p = p * v2 + 5.12229709037114e-08f;
        p = p * v2 + 1.48572235717979e-05f;
        p = p * v2 + 6.37261928875436e-04f;
        p = p * v2 + 4.89352455891786e-03f;
        float q = v2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
        q = q * v2 + 2.26843463243900e-03f;
        q = q * v2 + 4.89352518554385e-03f;
        return v * p / q;
    }

    /**
     * The scalar form of a DL4J activation.
     *
     * @throws IllegalArgumentException for an activation the kernels do not support, naming those they do
     */
    public static ScalarActivation of(IActivation fn) {
        if (fn instanceof ActivationSigmoid) {
            return SIGMOID;
        }
        if (fn instanceof ActivationTanH) {
            return TANH;
        }
        if (fn instanceof ActivationHardSigmoid) {
            return HARD_SIGMOID;
        }
        if (fn instanceof ActivationSoftSign) {
            return SOFTSIGN;
        }
        if (fn instanceof ActivationReLU relu && relu.getMax() == null && isZero(relu.getThreshold())
                && isZero(relu.getNegativeSlope())) {
            return RELU;
        }
        if (fn instanceof ActivationIdentity) {
            return IDENTITY;
        }
        throw new IllegalArgumentException("seqzoo's recurrent layers support the activations sigmoid, tanh,"
                + " hard sigmoid, softsign, relu and identity; got " + fn);
    }

    private static boolean isZero(Double value) {
        return value == null || value == 0.0;
    }
}
