package org.seqzoo.models.rnn;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationTanH;

/**
 * The activations a recurrent kernel applies element by element inside its time loop, each with its
 * derivative written in terms of its output {@code y = f(x)} — which the forward pass stores anyway — so
 * that the backward pass needs neither the pre-activations nor a second evaluation of {@code f}. The
 * definitions are ND4J's (e.g. hard sigmoid {@code max(0, min(1, 0.2x + 0.5))}).
 */
enum ScalarActivation {
    SIGMOID {
        @Override
        double apply(double x) {
            return 1.0 / (1.0 + Math.exp(-x));
        }

        @Override
        double derivativeAt(double y) {
            return y * (1.0 - y);
        }
    },
    TANH {
        @Override
        double apply(double x) {
            // 1 - 2 / (e^{2x} + 1), exact to double rounding; Math.tanh is several times slower.
            if (x > 20) {
                return 1.0;
            }
            if (x < -20) {
                return -1.0;
            }
            return 1.0 - 2.0 / (Math.exp(2.0 * x) + 1.0);
        }

        @Override
        double derivativeAt(double y) {
            return 1.0 - y * y;
        }
    },
    HARD_SIGMOID {
        @Override
        double apply(double x) {
            return Math.max(0.0, Math.min(1.0, 0.2 * x + 0.5));
        }

        @Override
        double derivativeAt(double y) {
            return y > 0.0 && y < 1.0 ? 0.2 : 0.0;
        }
    },
    SOFTSIGN {
        @Override
        double apply(double x) {
            return x / (1.0 + Math.abs(x));
        }

        @Override
        double derivativeAt(double y) {
            double s = 1.0 - Math.abs(y);
            return s * s;
        }
    },
    RELU {
        @Override
        double apply(double x) {
            return Math.max(0.0, x);
        }

        @Override
        double derivativeAt(double y) {
            return y > 0.0 ? 1.0 : 0.0;
        }
    },
    IDENTITY {
        @Override
        double apply(double x) {
            return x;
        }

        @Override
        double derivativeAt(double y) {
            return 1.0;
        }
    };

    abstract double apply(double x);

    /** {@code f'(x)} given {@code y = f(x)}. */
    abstract double derivativeAt(double y);

    /**
     * The scalar form of a DL4J activation.
     *
     * @throws IllegalArgumentException for an activation the kernels do not support, naming those they do
     */
    static ScalarActivation of(IActivation fn) {
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
