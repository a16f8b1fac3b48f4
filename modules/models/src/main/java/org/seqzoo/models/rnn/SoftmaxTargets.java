package org.seqzoo.models.rnn;

import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.seqzoo.models.cpu.NativeArray;

/**
 * The targets {@code y_n} of {@link SoftmaxCrossEntropy}, one per token {@code n = t·B + b} (step {@code t},
 * sequence {@code b}): a class index per token (DL4J's sparse labels {@code [B, 1, T]}) or a distribution over
 * the {@code V} classes per token (one-hot or soft labels {@code [B, V, T]}). The loss loop asks them about token
 * {@code n}, whose logits or gradients it holds in a {@code double[]} row of {@code V} values.
 */
sealed interface SoftmaxTargets {

    /** {@code Σ_v y_nv · z[v]}. */
    double cross(int n, double[] z);

    /** {@code Σ_v y_nv}. */
    double mass(int n);

    /** {@code g[v] -= scale · y_nv}. */
    void subtract(int n, double[] g, double scale);

    /**
     * Sparse labels {@code [B, 1, T]} (NCW) as one class index per token; entries of masked tokens
     * ({@code mask[n] == 0}) are not read, so padding may hold any value.
     *
     * @throws IllegalArgumentException for an index that is not a whole number in {@code [0, classes)} at an
     *                                  unmasked position, naming the sequence and step
     */
    static SoftmaxTargets indices(INDArray labels, double[] mask, int classes) {
        Preconditions.checkArgument(labels.rank() == 3 && labels.size(1) == 1,
                "sparse labels must be [minibatch, 1, time], got %ndShape", labels);
        long batch = labels.size(0);
        long steps = labels.size(2);
        double[] values = labels.reshape(batch, steps).transpose().dup('c').reshape(steps * batch).toDoubleVector();
        int[] classOf = new int[values.length];
        for (int n = 0; n < values.length; n++) {
            if (mask != null && mask[n] == 0.0) {
                continue;
            }
            double v = values[n];
            if (!(v >= 0 && v < classes && v == Math.rint(v))) {
                throw new IllegalArgumentException("label " + v + " of sequence " + n % batch + " at step "
                        + n / batch + " is not a class index in [0, " + classes + ")");
            }
            classOf[n] = (int) v;
        }
        return new Indices(classOf);
    }

    /** Labels as distributions: {@code y} is a C-order {@code [T, B, V]} array (row {@code t·B + b} per token). */
    static SoftmaxTargets distributions(INDArray tokenMajor) {
        return new Distributions(NativeArray.of(tokenMajor), (int) tokenMajor.size(2));
    }

    /** One class per token. */
    record Indices(int[] classOf) implements SoftmaxTargets {
        @Override
        public double cross(int n, double[] z) {
            return z[classOf[n]];
        }

        @Override
        public double mass(int n) {
            return 1.0;
        }

        @Override
        public void subtract(int n, double[] g, double scale) {
            g[classOf[n]] -= scale;
        }
    }

    /** A distribution per token, read row by row from native memory. */
    final class Distributions implements SoftmaxTargets {
        private static final ThreadLocal<double[]> ROW = ThreadLocal.withInitial(() -> new double[0]);
        private final NativeArray y;
        private final int classes;

        private Distributions(NativeArray y, int classes) {
            this.y = y;
            this.classes = classes;
        }

        @Override
        public double cross(int n, double[] z) {
            double[] row = read(n);
            double total = 0.0;
            for (int v = 0; v < classes; v++) {
                total += row[v] * z[v];
            }
            return total;
        }

        @Override
        public double mass(int n) {
            double[] row = read(n);
            double total = 0.0;
            for (int v = 0; v < classes; v++) {
                total += row[v];
            }
            return total;
        }

        @Override
        public void subtract(int n, double[] g, double scale) {
            double[] row = read(n);
            for (int v = 0; v < classes; v++) {
                g[v] -= scale * row[v];
            }
        }

        private double[] read(int n) {
            double[] row = ROW.get();
            if (row.length < classes) {
                row = new double[classes];
                ROW.set(row);
            }
            y.read(n * classes, row, 0, classes);
            return row;
        }
    }
}
