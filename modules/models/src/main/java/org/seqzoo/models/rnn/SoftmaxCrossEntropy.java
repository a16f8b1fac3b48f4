package org.seqzoo.models.rnn;

import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.seqzoo.models.cpu.KernelThreads;
import org.seqzoo.models.cpu.NativeArray;

/**
 * A softmax output layer with its cross-entropy loss, fused: the maths of {@link SoftmaxKernelLayer}. With
 * {@code X} the inputs {@code [F, N]} (token {@code n = t·B + b} for step {@code t}, sequence {@code b}),
 * {@code W} {@code [F, V]}, {@code b} {@code [V]}, the mask {@code m_n} and the targets {@code y_n}
 * ({@link SoftmaxTargets}):
 * <pre>
 * z_n = Wᵀ x_n + b      p_n = softmax(z_n)      loss_n = m_n · Σ_v y_nv · (log Σ_u exp(z_nu) − z_nv)
 * dZ_n = m_n · (p_n − y_n)      dW = X dZᵀ      db = Σ_n dZ_n      dX = W dZ
 * </pre>
 * {@code dZ} is DL4J's gradient of MCXENT through softmax ({@code p − y}, exact when each {@code y_n} sums to 1).
 * The loss is computed from the log-sum-exp of the logits, not as the log of a probability, so it stays exact
 * where {@code p} underflows (DL4J's {@code LossMCXENT} clips {@code p} at 1e-10: its per-token loss stops at 23).
 *
 * <p>Logits, probabilities and {@code dZ} are C-order {@code [N, V]} arrays (token-major): each product is one
 * OpenBLAS call per part, and a token's softmax is a few loops over one contiguous {@code double[]} row with
 * scalars (its maximum, its sum) — the form the JIT vectorises; per-token vectors indexed beside the rows
 * (a class-major layout) kept it from vectorising at all (measured: ~6 ns instead of ~2 ns per logit).
 * Tokens are split over {@link KernelThreads}, except for {@code dW}, split by class rows (no partial sums to
 * add). {@code exp} is {@link #expOfNonPositive} in float32 ({@link Math#exp} is not vectorised) and exact in
 * double. Float32 probabilities (inference) of enough tokens and classes go through oneDNN's matmul and softmax
 * instead ({@link OneDnnProbabilities}).
 */
final class SoftmaxCrossEntropy {

    private static final ThreadLocal<double[]> ROW = ThreadLocal.withInitial(() -> new double[0]);

    private final INDArray inputs;
    private final INDArray weights;
    private final INDArray biasRow;
    private final NativeArray x;
    /** Whether {@code x} is stored token-major ({@code [N, F]}) rather than feature-major ({@code [F, N]}). */
    private final boolean tokenRows;
    private final NativeArray w;
    private final double[] bias;
    private final double[] mask;
    private final int features;
    private final int classes;
    private final int tokens;
    private final boolean exactExp;
    private final int parts;

    /** What the softmax loop leaves in the {@code [N, V]} array it ran on. */
    private enum Result { PROBABILITIES, LOGITS, GRADIENT }

    /**
     * @param x         inputs {@code [F, N]}, C order with default strides; or, with {@code tokenRows}, the same
     *                  inputs stored token-major: a C-order {@code [N, F]} array
     * @param tokenRows whether {@code x} is given token-major
     * @param w         weights {@code [F, V]}, {@code 'f'} order with default strides (a DL4J parameter view)
     * @param b         bias {@code [1, V]}, or {@code null} for none
     * @param mask      {@code m_n} per token, or {@code null} for all ones
     */
    SoftmaxCrossEntropy(INDArray x, boolean tokenRows, INDArray w, INDArray b, double[] mask) {
        int featureAxis = tokenRows ? 1 : 0;
        Preconditions.checkArgument(x.rank() == 2 && w.rank() == 2 && x.size(featureAxis) == w.size(0),
                "softmax inputs (nIn=%s) and weights [nIn, nOut] do not match: %ndShape, %ndShape", w.size(0), x, w);
        Preconditions.checkArgument(Blocks.isColumnMajor(w), "softmax weights must be an 'f'-order matrix");
        Preconditions.checkArgument(x.size(1) * w.size(1) <= Integer.MAX_VALUE,
                "too many logits for one pass: %s tokens x %s classes", x.size(1), w.size(1));
        this.inputs = x;
        this.weights = w;
        this.biasRow = b;
        this.x = NativeArray.of(x);
        this.tokenRows = tokenRows;
        this.w = NativeArray.of(w);
        this.features = (int) x.size(featureAxis);
        this.tokens = (int) x.size(1 - featureAxis);
        this.classes = (int) w.size(1);
        this.bias = new double[classes];
        if (b != null) {
            NativeArray.of(b).read(0, bias, 0, classes);
        }
        Preconditions.checkArgument(mask == null || mask.length == tokens, "mask has %s entries for %s tokens",
                mask == null ? 0 : mask.length, tokens);
        this.mask = mask;
        this.exactExp = x.dataType() == DataType.DOUBLE;
        this.parts = KernelThreads.partsForWork(tokens, 2.0 * tokens * classes * features);
    }

    /**
     * {@code P ⊙ m} into {@code probabilities} ({@code [N, V]}, C order): what the layer outputs. In float32 with
     * oneDNN and enough logits, {@code P} through {@link OneDnnProbabilities}, then the rows of masked tokens scaled
     * here.
     */
    void probabilities(INDArray probabilities) {
        if (OneDnnProbabilities.applies(inputs, tokens, classes)) {
            OneDnnProbabilities.Compiled[] compiled = new OneDnnProbabilities.Compiled[parts];
            for (int part = 0; part < parts; part++) {
                int from = first(tokens, part, parts);
                compiled[part] = OneDnnProbabilities.compiled(first(tokens, part + 1, parts) - from, features, classes,
                        tokens, tokenRows, biasRow != null);
            }
            NativeArray p = NativeArray.of(probabilities);
            KernelThreads.run(parts, part -> {
                int from = first(tokens, part, parts);
                compiled[part].run(inputs, weights, biasRow, probabilities, from);
                scaleMaskedRows(p, from, first(tokens, part + 1, parts));
            });
            return;
        }
        NativeArray p = NativeArray.of(probabilities);
        KernelThreads.run(parts, part -> {
            int from = first(tokens, part, parts);
            int to = first(tokens, part + 1, parts);
            logits(p, from, to);
            softmax(p, from, to, null, null, null, Result.PROBABILITIES);
        });
    }

    /** The per-token losses {@code loss_n}; {@code logits} ({@code [N, V]}, C order) is working memory. */
    double[] loss(SoftmaxTargets targets, INDArray logits) {
        NativeArray z = NativeArray.of(logits);
        double[] loss = new double[tokens];
        KernelThreads.run(parts, part -> {
            int from = first(tokens, part, parts);
            int to = first(tokens, part + 1, parts);
            logits(z, from, to);
            softmax(z, from, to, targets, loss, null, Result.LOGITS);
        });
        return loss;
    }

    /**
     * The per-token losses, with every gradient: {@code dZ} into {@code dz} ({@code [N, V]}, C order),
     * {@code dW} into {@code dW} ({@code [F, V]}, {@code 'f'}), {@code db} into {@code db} ({@code [1, V]}, or
     * {@code null} without bias) and {@code dL/dX} into {@code dX} ({@code [F, N]}, C order).
     */
    double[] lossAndGradients(SoftmaxTargets targets, INDArray dz, INDArray dW, INDArray db, INDArray dX) {
        Preconditions.checkArgument(Blocks.isColumnMajor(dW), "softmax weight gradient must be an 'f'-order matrix");
        NativeArray g = NativeArray.of(dz);
        NativeArray gx = NativeArray.of(dX);
        NativeArray gw = NativeArray.of(dW);
        double[] loss = new double[tokens];
        double[][] biasGradients = new double[parts][classes];
        KernelThreads.run(parts, part -> {
            int from = first(tokens, part, parts);
            int to = first(tokens, part + 1, parts);
            logits(g, from, to);
            softmax(g, from, to, targets, loss, biasGradients[part], Result.GRADIENT);
            // dX[:, from:to] = W dZ[from:to, :]ᵀ; W is row-major [V, F].
            NativeArray.gemm(true, true, features, to - from, classes, 1.0, w, 0, features, g, from * classes,
                    classes, 0.0, gx, from, tokens);
        });
        int classParts = Math.min(parts, classes);
        KernelThreads.run(classParts, part -> {
            int from = first(classes, part, classParts);
            int to = first(classes, part + 1, classParts);
            // dWᵀ[from:to, :] = dZ[:, from:to]ᵀ Xᵀ; dW 'f' [F, V] is row-major dWᵀ [V, F].
            NativeArray.gemm(true, !tokenRows, to - from, features, tokens, 1.0, g, from, classes, x, 0,
                    tokenRows ? features : tokens, 0.0, gw, from * features, features);
        });
        if (db != null) {
            for (int part = 1; part < parts; part++) {
                for (int v = 0; v < classes; v++) {
                    biasGradients[0][v] += biasGradients[part][v];
                }
            }
            NativeArray.of(db).write(0, biasGradients[0], 0, classes);
        }
        return loss;
    }

    /** Multiplies rows {@code from … to-1} of {@code p} (float32) by their tokens' mask values. */
    private void scaleMaskedRows(NativeArray p, int from, int to) {
        if (mask == null) {
            return;
        }
        float[] row = new float[classes];
        for (int n = from; n < to; n++) {
            if (mask[n] != 1.0) {
                float m = (float) mask[n];
                p.readFloats(n * classes, row, 0, classes);
                for (int v = 0; v < classes; v++) {
                    row[v] *= m;
                }
                p.writeFloats(n * classes, row, 0, classes);
            }
        }
    }

    private static int first(int total, int part, int count) {
        return (int) ((long) total * part / count);
    }

    /** {@code Z[from:to, :] = X[:, from:to]ᵀ W} (the bias is added in {@link #softmax}). */
    private void logits(NativeArray z, int from, int to) {
        if (tokenRows) {
            NativeArray.gemm(false, true, to - from, classes, features, 1.0, x, from * features, features, w, 0,
                    features, 0.0, z, from * classes, classes);
        } else {
            NativeArray.gemm(true, true, to - from, classes, features, 1.0, x, from, tokens, w, 0, features, 0.0, z,
                    from * classes, classes);
        }
    }

    /**
     * Adds the bias to the logits of tokens {@code from … to-1} and takes their softmax, row by row; records the
     * losses ({@code loss != null}) and the bias gradient ({@code biasGradient != null}), and leaves
     * {@code result} in {@code z}.
     */
    private void softmax(NativeArray z, int from, int to, SoftmaxTargets targets, double[] loss,
                         double[] biasGradient, Result result) {
        double[] row = ROW.get();
        if (row.length < classes) {
            row = new double[classes];
            ROW.set(row);
        }
        for (int n = from; n < to; n++) {
            z.read(n * classes, row, 0, classes);
            // One loop per step: a store and a reduction in one loop kept the JIT from vectorising either.
            for (int v = 0; v < classes; v++) {
                row[v] += bias[v];
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < classes; v++) {
                max = Math.max(max, row[v]);
            }
            double m = mask == null ? 1.0 : mask[n];
            double cross = targets == null ? 0.0 : targets.cross(n, row);
            exponentiate(row, max);
            double sum = sum(row);
            if (loss != null) {
                loss[n] = m * ((max + Math.log(sum)) * targets.mass(n) - cross);
            }
            if (result == Result.LOGITS) {
                continue;
            }
            double scale = m / sum;
            for (int v = 0; v < classes; v++) {
                row[v] *= scale;
            }
            if (result == Result.GRADIENT) {
                targets.subtract(n, row, m);
                for (int v = 0; v < classes; v++) {
                    biasGradient[v] += row[v];
                }
            }
            z.write(n * classes, row, 0, classes);
        }
    }

    /**
     * {@code Σ_v row[v]} over the first {@code classes} entries, as four interleaved partial sums: one chain of
     * dependent additions (Java's order of floating-point operations, which the JIT keeps) took ~1 ns a logit.
     */
    private double sum(double[] row) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int v = 0;
        for (; v + 3 < classes; v += 4) {
            s0 += row[v];
            s1 += row[v + 1];
            s2 += row[v + 2];
            s3 += row[v + 3];
        }
        for (; v < classes; v++) {
            s0 += row[v];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code row[v] = exp(row[v] − max)} over the first {@code classes} entries. */
    private void exponentiate(double[] row, double max) {
        if (exactExp) {
            for (int v = 0; v < classes; v++) {
                row[v] = Math.exp(row[v] - max);
            }
        } else {
            for (int v = 0; v < classes; v++) {
                row[v] = expOfNonPositive(row[v] - max);
            }
        }
    }

    /**
     * {@code e^x} for {@code x <= 0} (a logit minus its column's maximum) from multiplies and adds only, so that
     * loops of it vectorise: {@code e^x = (e^{x/1024})^1024}, with {@code e^{x/1024}} from its Taylor polynomial of
     * degree 7 ({@code |x/1024| < 0.085}) and ten squarings. Relative error below 1e-10 for {@code x >= -87};
     * below that (where float32 underflows anyway) it returns {@code e^-87}, about 1.6e-38.
     */
    static double expOfNonPositive(double x) {
        double r = Math.max(x, -87.0) * 0x1p-10;
        double e = 1.0 / 5040;
        e = e * r + 1.0 / 720;
        e = e * r + 1.0 / 120;
        e = e * r + 1.0 / 24;
        e = e * r + 1.0 / 6;
        e = e * r + 0.5;
        e = e * r + 1.0;
        e = e * r + 1.0;
        e *= e; // ^2 (written out: a loop here would keep callers' loops from vectorising)
        e *= e;
        e *= e;
        e *= e;
        e *= e;
        e *= e;
        e *= e;
        e *= e;
        e *= e;
        e *= e; // ^1024
        return e;
    }
}
