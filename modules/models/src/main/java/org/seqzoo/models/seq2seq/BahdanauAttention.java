package org.seqzoo.models.seq2seq;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
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
 * {@code α_t} and {@code c_t}; the backward steps (in reverse order) accumulate the parameter gradients and
 * {@code dL/dh_j}, completed by {@link #finishBackward()}.
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
    private final long batch;
    private final long sourceSteps;
    private final long attention;
    private final boolean recordHistory;
    private final List<INDArray> weights = new ArrayList<>();
    private final List<INDArray> contexts = new ArrayList<>();
    private final List<INDArray> activations = new ArrayList<>();
    private INDArray lastWeights;
    private INDArray lastContext;

    private Gradients gradients;

    /** Gradient arrays to accumulate into, and the gradient arriving at each step's context from outside. */
    record Gradients(INDArray wa, INDArray ua, INDArray v, INDArray wc, INDArray encoder, INDArray contextOutput) {
    }

    /**
     * @param encoder       encoder states {@code [B, He, Ts]}
     * @param sourceMask    {@code [B, Ts]} or {@code null}
     * @param recordHistory keep every step's weights, contexts and activations (a whole-sequence pass that may be
     *                      backpropagated); off when decoding step by step, where only the last step is kept
     */
    BahdanauAttention(INDArray wa, INDArray ua, INDArray v, INDArray wc, INDArray encoder, INDArray sourceMask,
                      boolean recordHistory) {
        this.recordHistory = recordHistory;
        this.wa = wa;
        this.ua = ua;
        this.v = v;
        this.wc = wc;
        this.batch = encoder.size(0);
        long he = encoder.size(1);
        this.sourceSteps = encoder.size(2);
        this.attention = wa.size(1);
        this.encoder = encoder.dup('c');
        this.encoderColumns = encoder.permute(1, 0, 2).dup('c').reshape('c', he, batch * sourceSteps);
        this.keys = ua.transpose().mmul(encoderColumns);                   // [A, B·Ts]
        this.sourceMask = sourceMask == null ? null : sourceMask.castTo(encoder.dataType());
    }

    private BahdanauAttention(BahdanauAttention from, int[] rows) {
        this.recordHistory = false;
        this.wa = from.wa;
        this.ua = from.ua;
        this.v = from.v;
        this.wc = from.wc;
        this.batch = rows.length;
        this.sourceSteps = from.sourceSteps;
        this.attention = from.attention;
        this.encoder = Seq2SeqDecoder.pick(from.encoder, rows);
        long he = encoder.size(1);
        this.encoderColumns = encoder.permute(1, 0, 2).dup('c').reshape('c', he, batch * sourceSteps);
        this.keys = Seq2SeqDecoder.pick(from.keys.reshape('c', attention, from.batch, sourceSteps).permute(1, 0, 2),
                rows).permute(1, 0, 2).dup('c').reshape('c', attention, batch * sourceSteps);
        this.sourceMask = from.sourceMask == null ? null : Seq2SeqDecoder.pick(from.sourceMask, rows);
    }

    /** The same attention for rows {@code rows} of the batch (beam reordering), keys reused, no history. */
    BahdanauAttention select(int[] rows) {
        return new BahdanauAttention(this, rows);
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
    }

    @Override
    public void forward(long step, INDArray previousState, INDArray z) {
        INDArray query = wa.transpose().mmul(previousState);                  // [A, B]
        INDArray hidden = Transforms.tanh(keys.reshape('c', attention, batch, sourceSteps)
                .add(query.reshape('c', attention, batch, 1)), false);        // [A, B, Ts]
        INDArray scores = v.transpose().mmul(hidden.reshape('c', attention, batch * sourceSteps))
                .reshape('c', batch, sourceSteps);
        INDArray alpha = MaskedSoftmax.forward(scores, sourceMask);             // [B, Ts]
        INDArray context = Nd4j.matmul(encoder, alpha.reshape('c', batch, sourceSteps, 1))
                .reshape('c', batch, encoder.size(1)).transpose().dup('c');   // [He, B]
        mmul(wc, context, z, true, false, 1.0);
        lastWeights = alpha;
        lastContext = context;
        if (recordHistory) {
            weights.add(alpha);
            contexts.add(context);
            activations.add(hidden);
        }
    }

    @Override
    public void backward(long step, INDArray previousState, INDArray zGradient, INDArray previousStateGradient) {
        int t = (int) step;
        INDArray context = contexts.get(t);
        INDArray alpha = weights.get(t);
        INDArray hidden = activations.get(t);
        mmul(context, zGradient, gradients.wc, false, true, 1.0);            // dW_c += c · dzᵀ
        INDArray dContext = wc.mmul(zGradient);                                // [He, B]
        if (gradients.contextOutput != null) {
            dContext.addi(gradients.contextOutput.get(org.nd4j.linalg.indexing.NDArrayIndex.point(t)));
        }
        INDArray dContextBatched = dContext.transpose().dup('c').reshape('c', batch, encoder.size(1), 1);
        INDArray dAlpha = Nd4j.matmul(encoder, dContextBatched, null, true, false, false)
                .reshape('c', batch, sourceSteps);                             // [B, Ts]
        gradients.encoder.addi(Nd4j.matmul(dContextBatched, alpha.reshape('c', batch, 1, sourceSteps)));
        INDArray dScores = MaskedSoftmax.backward(alpha, dAlpha);              // [B, Ts]
        INDArray hiddenFlat = hidden.reshape('c', attention, batch * sourceSteps);
        INDArray dScoresFlat = dScores.reshape('c', 1, batch * sourceSteps);
        mmul(hiddenFlat, dScoresFlat, gradients.v, false, true, 1.0);         // dv += tanh(..) · deᵀ
        INDArray dPre = v.mmul(dScoresFlat).muli(hiddenFlat.mul(hiddenFlat).rsub(1.0));   // [A, B·Ts]
        dKeys().addi(dPre);
        INDArray dQuery = dPre.reshape('c', attention, batch, sourceSteps).sum(2);        // [A, B]
        mmul(previousState, dQuery, gradients.wa, false, true, 1.0);         // dW_a += s · dqᵀ
        mmul(wa, dQuery, previousStateGradient, false, false, 1.0);           // ds += W_a · dq
    }

    private INDArray dKeys;

    private INDArray dKeys() {
        if (dKeys == null) {
            dKeys = Nd4j.zeros(keys.dataType(), keys.shape());
        }
        return dKeys;
    }

    /** Adds the keys' share: {@code dU_a = H·dKᵀ} and {@code dL/dh_j += U_a·dK}. */
    void finishBackward() {
        if (dKeys == null) {
            return;
        }
        mmul(encoderColumns, dKeys, gradients.ua, false, true, 1.0);
        INDArray dEncoderColumns = ua.mmul(dKeys);                             // [He, B·Ts]
        gradients.encoder.addi(dEncoderColumns.reshape('c', encoder.size(1), batch, sourceSteps).permute(1, 0, 2));
    }

    /** The attention weights of the forward steps so far: {@code [B, T, Ts]}. */
    INDArray weights() {
        return Nd4j.stack(1, weights.toArray(new INDArray[0]));
    }

    /** The contexts of the forward steps so far: {@code [B, He, T]}. */
    INDArray contexts() {
        return Nd4j.stack(2, contexts.stream().map(INDArray::transpose).toArray(INDArray[]::new));
    }
}
