package org.seqzoo.models.seq2seq;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.seqzoo.models.cpu.NativeArray;
import org.seqzoo.models.rnn.Blocks;
import org.seqzoo.models.rnn.ScalarActivation;
import org.seqzoo.models.rnn.StepInput;

import static org.seqzoo.models.rnn.Blocks.mmul;

/**
 * Bahdanau (additive) attention as a {@link StepInput} of the decoder's cell (Bahdanau, Cho &amp; Bengio 2014,
 * eq. 5–6; DESIGN.md): at step t, from the previous decoder state {@code s_{t-1}} ({@code [H, B]}),
 * <pre>
 * e_tj = vᵀ tanh(W_aᵀ s_{t-1} + U_aᵀ h_j)     α_t = softmax_j(e_t) over real source positions
 * c_t  = Σ_j α_tj h_j                          z_t += W_cᵀ c_t   (c_t joins the cell's input)
 * </pre>
 * with encoder states {@code h_j} ({@code [B, He, Ts]}) and parameters {@code W_a [H, A]}, {@code U_a [He, A]},
 * {@code v [A, 1]}, {@code W_c [He, G·H]}. The keys {@code U_aᵀ h_j} are computed once per source batch, so
 * the object can serve a whole sequence or, step by step, incremental decoding. Each forward step appends its
 * {@code α_t} and {@code c_t}; the backward steps (in reverse order) recompute {@code tanh(…)} from
 * {@code s_{t-1}} (cheaper than keeping {@code [A, B, Ts]} per step), accumulate the parameter gradients and
 * {@code dL/dh_j}, completed by {@link #finishBackward()}.
 *
 * <p>The matrix products go straight to the kernels' products ({@link Blocks#mmul}) into arrays kept for the whole
 * pass, except the forward context (one batched ND4J {@code matmul}, faster than Java loops at the benchmark's
 * shapes); the per-step element-wise work over {@code [A, B, Ts]} (tanh, scores, masked softmax, and their
 * gradients, including the context's backward pass) runs as plain loops over {@code double[]} copies, which the
 * JIT vectorises, with {@link ScalarActivation}'s float32 tanh when the model computes in float — instead of a
 * dozen ND4J ops per step, each allocating an {@code [A, B, Ts]} array.
 */
final class BahdanauAttention implements StepInput {

    private final INDArray wa;
    private final INDArray ua;
    private final INDArray v;
    private final INDArray wc;
    private final INDArray encoder;
    private final INDArray encoderColumns;
    private final INDArray keys;
    private final INDArray sourceMask;
    private final int batch;
    private final int sourceSteps;
    private final int attention;
    private final int encoderSize;
    private final boolean fast;
    private final boolean recordHistory;
    /** The keys {@code U_aᵀ h_j} as {@code [a][b][j]}, the score weights, the source mask {@code [b][j]}. */
    private final double[] keyValues;
    private final double[] scoreWeights;
    private final double[] maskValues;
    /** {@code tanh(K + W_aᵀ s)} of the current step, {@code [a][b][j]}, reused from step to step. */
    private final double[] hidden;
    /** Per step {@code W_aᵀ s} ({@code [A, B]}), and its elements read back. */
    private final INDArray query;
    private final double[] queryValues;
    /**
     * For the backward steps only (set up by {@link #accumulateInto}, so that decoding, which copies this object per
     * beam step, does not pay for them): the encoder states as {@code [b][j][e]}, each position's state contiguous,
     * and per step {@code W_c·dz} ({@code [He, B]}).
     */
    private double[] encoderRows;
    private INDArray contextGradient;
    /**
     * The backward steps' working arrays, reused from step to step: {@code dc} as read ({@code [e][b]}) and
     * transposed ({@code [b][e]}), {@code dα} then {@code de} and {@code dpre} ({@code [b][j]}), {@code dq}
     * ({@code [a][b]}) and the same as an array for its products.
     */
    private double[] contextGradientValues;
    private double[] contextGradientRows;
    private double[] scoreGradient;
    private double[] preGradient;
    private double[] queryGradient;
    private INDArray queryGradientArray;
    private final List<INDArray> weights = new ArrayList<>();
    /** {@code α} of each recorded step as {@code [b][j]}, for the backward steps. */
    private final List<double[]> weightValues = new ArrayList<>();
    private final List<INDArray> contexts = new ArrayList<>();
    private INDArray lastWeights;
    private INDArray lastContext;

    private Gradients gradients;
    /** The column parts of a pass split over threads ({@link #columns}), first columns in {@code partStarts}. */
    private final List<BahdanauAttention> parts = new ArrayList<>();
    private final List<Integer> partStarts = new ArrayList<>();
    /** Per part, the parameter-gradient arrays it accumulated into, summed by {@link #finishBackward}. */
    private final List<Gradients> partGradients = new ArrayList<>();
    /**
     * Accumulated over the backward steps: {@code dL/dK} {@code [a][b][j]}, {@code dL/dv} and the context's share
     * of {@code dL/dh_j} ({@code [b][j][e]}).
     */
    private double[] keyGradient;
    private double[] scoreWeightGradient;
    private double[] encoderGradient;

    /** Gradient arrays to accumulate into, and the gradient arriving at each step's context from outside. */
    record Gradients(INDArray wa, INDArray ua, INDArray v, INDArray wc, INDArray encoder, INDArray contextOutput) {
    }

    /**
     * @param encoder       encoder states {@code [B, He, Ts]}
     * @param sourceMask    {@code [B, Ts]} or {@code null}
     * @param recordHistory keep every step's weights and contexts (a whole-sequence pass that may be
     *                      backpropagated); off when decoding step by step, where only the last step is kept
     */
    BahdanauAttention(INDArray wa, INDArray ua, INDArray v, INDArray wc, INDArray encoder, INDArray sourceMask,
                      boolean recordHistory) {
        this(wa, ua, v, wc, encoder.dup('c'), null, sourceMask == null ? null : sourceMask.castTo(encoder.dataType()),
                recordHistory);
    }

    /** {@code keys} {@code [A, B·Ts]} when already known (a selection of rows), else computed. */
    private BahdanauAttention(INDArray wa, INDArray ua, INDArray v, INDArray wc, INDArray encoder, INDArray keys,
                              INDArray sourceMask, boolean recordHistory) {
        this.recordHistory = recordHistory;
        this.wa = wa;
        this.ua = ua;
        this.v = v;
        this.wc = wc;
        this.encoder = encoder;
        this.batch = (int) encoder.size(0);
        this.encoderSize = (int) encoder.size(1);
        this.sourceSteps = (int) encoder.size(2);
        this.attention = (int) wa.size(1);
        this.fast = encoder.dataType() == DataType.FLOAT;
        this.encoderColumns = encoder.permute(1, 0, 2).dup('c').reshape('c', encoderSize, (long) batch * sourceSteps);
        this.keys = keys != null ? keys : ua.transpose().mmul(encoderColumns);          // [A, B·Ts]
        this.sourceMask = sourceMask;
        this.keyValues = values(this.keys);
        this.scoreWeights = values(v);
        this.maskValues = sourceMask == null ? null : values(sourceMask);
        this.hidden = new double[keyValues.length];
        this.query = Nd4j.create(encoder.dataType(), attention, batch);
        this.queryValues = new double[attention * batch];
    }

    /**
     * The elements of {@code array} in C order as doubles: read straight from a dense C-order array's memory (the
     * per-step products), copied first otherwise.
     */
    private static double[] values(INDArray array) {
        return values(array, new double[(int) array.length()]);
    }

    /** {@link #values(INDArray)} into {@code values}, which has the array's length; returns it. */
    private static double[] values(INDArray array, double[] values) {
        boolean dense = array.ordering() == 'c' && Shape.hasDefaultStridesForShape(array);
        NativeArray.of(dense ? array : array.dup('c')).read(0, values, 0, values.length);
        return values;
    }

    /** A C-order array of {@code shape} holding {@code values}, in this attention's data type (no ND4J op). */
    private INDArray array(double[] values, long... shape) {
        if (encoder.dataType() == DataType.DOUBLE) {
            return Nd4j.create(values, shape, 'c');
        }
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return Nd4j.create(floats, shape, 'c');
    }

    /** The same attention for rows {@code rows} of the batch (beam reordering), keys reused, no history. */
    BahdanauAttention select(int[] rows) {
        INDArray selectedKeys = Seq2SeqDecoder.pick(keys.reshape('c', attention, batch, sourceSteps)
                .permute(1, 0, 2), rows).permute(1, 0, 2).dup('c').reshape('c', attention, (long) rows.length
                * sourceSteps);
        return new BahdanauAttention(wa, ua, v, wc, Seq2SeqDecoder.pick(encoder, rows), selectedKeys,
                sourceMask == null ? null : Seq2SeqDecoder.pick(sourceMask, rows), false);
    }

    /**
     * The attention of batch rows {@code from … from+count-1} for one part of a split pass: views of the encoder
     * states and mask rows (the encoder is C-order, so a row range is one contiguous block), its own copy of the keys,
     * its own history and gradient accumulators. This object then answers {@link #weights}, {@link #contexts},
     * {@link #accumulateInto} and {@link #finishBackward} for the whole batch from its parts.
     */
    @Override
    public StepInput columns(int from, int count) {
        if (from == 0) {
            parts.clear();
            partStarts.clear();
        }
        INDArrayIndex rows = NDArrayIndex.interval(from, from + count);
        INDArray partKeys = keys.reshape('c', attention, batch, sourceSteps)
                .get(NDArrayIndex.all(), rows, NDArrayIndex.all()).dup('c')
                .reshape('c', attention, (long) count * sourceSteps);
        BahdanauAttention part = new BahdanauAttention(wa, ua, v, wc, encoder.get(rows, NDArrayIndex.all(),
                NDArrayIndex.all()), partKeys, sourceMask == null ? null : sourceMask.get(rows, NDArrayIndex.all()),
                recordHistory);
        parts.add(part);
        partStarts.add(from);
        return part;
    }

    /** {@code α} of the last forward step, {@code [B, Ts]}. */
    INDArray lastWeights() {
        return lastWeights;
    }

    /** {@code c} of the last forward step, {@code [B, He]}. */
    INDArray lastContext() {
        return lastContext.transpose();
    }

    /** Sets where {@link #backward} accumulates; call before the backward pass. */
    void accumulateInto(Gradients gradients) {
        this.gradients = gradients;
        partGradients.clear();
        if (parts.isEmpty()) {
            keyGradient = new double[attention * batch * sourceSteps];
            scoreWeightGradient = new double[attention];
            encoderGradient = new double[batch * sourceSteps * encoderSize];
            encoderRows = values(encoder.permute(0, 2, 1));
            contextGradient = Nd4j.create(encoder.dataType(), encoderSize, batch);
            contextGradientValues = new double[encoderSize * batch];
            contextGradientRows = new double[encoderSize * batch];
            scoreGradient = new double[batch * sourceSteps];
            preGradient = new double[batch * sourceSteps];
            queryGradient = new double[attention * batch];
            queryGradientArray = Nd4j.create(encoder.dataType(), attention, batch);
        }
        for (int p = 0; p < parts.size(); p++) {
            BahdanauAttention part = parts.get(p);
            int from = partStarts.get(p);
            INDArrayIndex rows = NDArrayIndex.interval(from, from + part.batch);
            Gradients own = new Gradients(zerosLike(gradients.wa), zerosLike(gradients.ua), zerosLike(gradients.v),
                    zerosLike(gradients.wc), gradients.encoder.get(rows, NDArrayIndex.all(), NDArrayIndex.all()),
                    gradients.contextOutput == null ? null : gradients.contextOutput.get(NDArrayIndex.all(),
                            NDArrayIndex.all(), rows).dup('c'));
            part.accumulateInto(own);
            partGradients.add(own);
        }
    }

    private static INDArray zerosLike(INDArray array) {
        return Nd4j.zeros(array.dataType(), array.shape());
    }

    /** {@code tanh(K + W_aᵀ s)} into {@link #hidden}, for the previous state {@code s} ({@code [H, B]}). */
    private double[] hiddenActivations(INDArray previousState) {
        mmul(wa, previousState, this.query, true, false, 0.0);
        double[] query = values(this.query, queryValues);                                // [a][b]
        int span = batch * sourceSteps;
        for (int a = 0; a < attention; a++) {
            for (int b = 0; b < batch; b++) {
                double q = query[a * batch + b];
                int row = a * span + b * sourceSteps;
                for (int j = 0; j < sourceSteps; j++) {
                    hidden[row + j] = keyValues[row + j] + q;
                }
            }
        }
        ScalarActivation.TANH.apply(hidden, 0, hidden.length, fast);
        return hidden;
    }

    @Override
    public void forward(long step, INDArray previousState, INDArray z) {
        double[] hidden = hiddenActivations(previousState);
        int span = batch * sourceSteps;
        double[] alpha = new double[span];                                               // scores, then α [b][j]
        for (int a = 0; a < attention; a++) {
            double weight = scoreWeights[a];
            for (int k = 0, row = a * span; k < span; k++) {
                alpha[k] += weight * hidden[row + k];
            }
        }
        maskedSoftmax(alpha);
        INDArray alphaArray = array(alpha, batch, sourceSteps);
        INDArray contextArray = Nd4j.matmul(encoder, alphaArray.reshape('c', batch, sourceSteps, 1))
                .reshape('c', batch, encoderSize).transpose();                           // [He, B]
        mmul(wc, contextArray, z, true, false, 1.0);
        lastWeights = alphaArray;
        lastContext = contextArray;
        if (recordHistory) {
            weights.add(alphaArray);
            weightValues.add(alpha);
            contexts.add(contextArray);
        }
    }

    /** {@code values} ({@code [rows][cols]}) transposed to {@code out} ({@code [cols][rows]}); returns it. */
    private static double[] transpose(double[] values, int rows, int cols, double[] out) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = values[r * cols + c];
            }
        }
        return out;
    }

    /** Scores {@code [b][j]} to {@code α} in place: softmax over each row's real positions, exactly 0 on padding. */
    private void maskedSoftmax(double[] scores) {
        for (int b = 0; b < batch; b++) {
            int row = b * sourceSteps;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < sourceSteps; j++) {
                if (isReal(row + j)) {
                    max = Math.max(max, scores[row + j]);
                }
            }
            double sum = 0.0;
            for (int j = 0; j < sourceSteps; j++) {
                double e = isReal(row + j) ? Math.exp(scores[row + j] - max) : 0.0;
                scores[row + j] = e;
                sum += e;
            }
            for (int j = 0; j < sourceSteps; j++) {
                scores[row + j] = sum > 0.0 ? scores[row + j] / sum : 0.0;
            }
        }
    }

    private boolean isReal(int position) {
        return maskValues == null || maskValues[position] != 0.0;
    }

    @Override
    public void backward(long step, INDArray previousState, INDArray zGradient, INDArray previousStateGradient) {
        int t = (int) step;
        double[] alpha = weightValues.get(t);                                            // [b][j]
        mmul(contexts.get(t), zGradient, gradients.wc, false, true, 1.0);              // dW_c += c · dzᵀ
        mmul(wc, zGradient, contextGradient, false, false, 0.0);                        // dc = W_c · dz, [He, B]
        if (gradients.contextOutput != null) {
            contextGradient.addi(gradients.contextOutput.get(NDArrayIndex.point(t)));
        }
        // c_b = Σ_j α_bj h_bj: dα_bj = h_bj · dc_b and dL/dh_bj += α_bj dc_b.
        double[] dContext = transpose(values(contextGradient, contextGradientValues), encoderSize, batch,
                contextGradientRows);                                                    // [b][e]
        int span = batch * sourceSteps;
        double[] dScores = scoreGradient;                                                // [b][j], overwritten
        for (int b = 0; b < batch; b++) {
            int dc = b * encoderSize;
            for (int j = 0; j < sourceSteps; j++) {
                int row = (b * sourceSteps + j) * encoderSize;
                double weight = alpha[b * sourceSteps + j];
                double sum = 0.0;
                for (int e = 0; e < encoderSize; e++) {
                    sum += encoderRows[row + e] * dContext[dc + e];
                    encoderGradient[row + e] += weight * dContext[dc + e];
                }
                dScores[b * sourceSteps + j] = sum;
            }
        }
        // Softmax: de = α ⊙ (dα - Σ_j α_j dα_j), zero on padding since α is.
        for (int b = 0; b < batch; b++) {
            int row = b * sourceSteps;
            double weighted = 0.0;
            for (int j = 0; j < sourceSteps; j++) {
                weighted += alpha[row + j] * dScores[row + j];
            }
            for (int j = 0; j < sourceSteps; j++) {
                dScores[row + j] = alpha[row + j] * (dScores[row + j] - weighted);
            }
        }
        // e = vᵀ tanh(pre): dv += tanh(pre) · de, dpre = v de ⊙ tanh'(pre), shared by the keys and the query.
        double[] hidden = hiddenActivations(previousState);
        double[] dQuery = queryGradient;                                                 // [a][b], overwritten
        double[] dPre = preGradient;
        for (int a = 0; a < attention; a++) {
            int row = a * span;
            double weight = scoreWeights[a];
            double dv = 0.0;
            for (int k = 0; k < span; k++) {
                dv += hidden[row + k] * dScores[k];
                dPre[k] = weight * dScores[k];
            }
            scoreWeightGradient[a] += dv;
            ScalarActivation.TANH.scaleByDerivative(hidden, row, dPre, 0, span);
            for (int k = 0; k < span; k++) {
                keyGradient[row + k] += dPre[k];
            }
            for (int b = 0; b < batch; b++) {
                double sum = 0.0;
                for (int j = b * sourceSteps, end = j + sourceSteps; j < end; j++) {
                    sum += dPre[j];
                }
                dQuery[a * batch + b] = sum;
            }
        }
        INDArray dQueryArray = queryGradientArray;
        NativeArray.of(dQueryArray).write(0, dQuery, 0, dQuery.length);
        mmul(previousState, dQueryArray, gradients.wa, false, true, 1.0);             // dW_a += s · dqᵀ
        mmul(wa, dQueryArray, previousStateGradient, false, false, 1.0);               // ds += W_a · dq
    }

    /** Adds what the backward steps accumulated: {@code dv}, and the keys' share {@code dU_a = H·dKᵀ},
     * {@code dL/dh_j += U_a·dK}. */
    void finishBackward() {
        if (!parts.isEmpty()) {
            for (int p = 0; p < parts.size(); p++) {
                parts.get(p).finishBackward();
                Gradients own = partGradients.get(p);
                gradients.wa.addi(own.wa);
                gradients.ua.addi(own.ua);
                gradients.v.addi(own.v);
                gradients.wc.addi(own.wc);
            }
            return;
        }
        if (keyGradient == null) {
            return;
        }
        gradients.v.addi(array(scoreWeightGradient, v.shape()));
        gradients.encoder.addi(array(encoderGradient, batch, sourceSteps, encoderSize).permute(0, 2, 1));
        INDArray dKeys = array(keyGradient, attention, (long) batch * sourceSteps);
        mmul(encoderColumns, dKeys, gradients.ua, false, true, 1.0);
        INDArray dEncoderColumns = ua.mmul(dKeys);                                      // [He, B·Ts]
        gradients.encoder.addi(dEncoderColumns.reshape('c', encoderSize, batch, sourceSteps).permute(1, 0, 2));
    }

    /** The attention weights of the forward steps so far: {@code [B, T, Ts]}. */
    INDArray weights() {
        if (!parts.isEmpty()) {
            return Nd4j.concat(0, parts.stream().map(BahdanauAttention::weights).toArray(INDArray[]::new));
        }
        return Nd4j.stack(1, weights.toArray(new INDArray[0]));
    }

    /** The contexts of the forward steps so far: {@code [B, He, T]}. */
    INDArray contexts() {
        if (!parts.isEmpty()) {
            return Nd4j.concat(0, parts.stream().map(BahdanauAttention::contexts).toArray(INDArray[]::new));
        }
        return Nd4j.stack(2, contexts.stream().map(INDArray::transpose).toArray(INDArray[]::new));
    }
}
