package org.seqzoo.data.batch;

import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.data.vocab.Vocabulary;

/**
 * Turns encoded pairs into one masked seq2seq batch (DESIGN.md, "Data conventions"). Shapes (B = pairs in the
 * batch, S = longest source, T = longest target + 1, V = target vocabulary size), float32, 'c' order,
 * DL4J's recurrent NCW layout:
 * <pre>
 * features[0]      source ids            [B, 1, S]   s_1 ... s_m (reversed: s_m ... s_1), then &lt;pad&gt;=0
 * features[1]      decoder input ids     [B, 1, T]   &lt;s&gt; y_1 ... y_n, then &lt;pad&gt;
 * labels[0]        decoder target        [B, 1, T]   y_1 ... y_n &lt;/s&gt;, then 0       ({@link LabelFormat#INDICES})
 *                                        [B, V, T]   one-hot of the same, zeros after ({@link LabelFormat#ONE_HOT})
 * featuresMask[0]  source mask           [B, S]      1 for real tokens, 0 for padding
 * featuresMask[1]  decoder input mask    [B, T]      1 for the n + 1 real steps
 * labelsMask[0]    labels mask           [B, T]      equal to featuresMask[1] (a separate array)
 * </pre>
 * The id arrays are what DL4J's {@code EmbeddingSequenceLayer} takes: rank 3 {@code [B, 1, time]} (it also
 * accepts {@code [B, time]}) holding integer ids as floats, with a {@code [B, time]} mask. Sequences are
 * aligned at the start (padding at the end, as DataVec's {@code AlignmentMode.ALIGN_START}); source reversal
 * (Sutskever et al. 2014) reverses the real tokens only, so padding stays at the end.
 *
 * @param labels          the label layout
 * @param targetVocabSize V, for one-hot labels
 * @param reverseSource   feed the source backwards
 */
public record PairVectorizer(LabelFormat labels, int targetVocabSize, boolean reverseSource) {

    /** The batch of these pairs (at least one). */
    public MultiDataSet vectorize(List<EncodedPair> batch) {
        int b = batch.size();
        int t = 0;
        for (EncodedPair pair : batch) {
            t = Math.max(t, pair.target().length + 1);
        }
        float[] decoderInput = new float[b * t];
        float[] mask = new float[b * t];
        float[] targets = new float[labels == LabelFormat.INDICES ? b * t : b * targetVocabSize * t];
        for (int i = 0; i < b; i++) {
            int[] y = batch.get(i).target();
            int row = i * t;
            decoderInput[row] = Vocabulary.BOS_ID;
            for (int step = 0; step <= y.length; step++) {
                if (step < y.length) {
                    decoderInput[row + step + 1] = y[step];
                }
                mask[row + step] = 1;
                int id = step < y.length ? y[step] : Vocabulary.EOS_ID;
                if (labels == LabelFormat.INDICES) {
                    targets[row + step] = id;
                } else {
                    targets[(i * targetVocabSize + id) * t + step] = 1;
                }
            }
        }
        INDArray[] source = sources(batch.stream().map(EncodedPair::source).toList());
        INDArray labelArray = labels == LabelFormat.INDICES ? Nd4j.create(targets, new long[] {b, 1, t}, 'c')
                : Nd4j.create(targets, new long[] {b, targetVocabSize, t}, 'c');
        return new MultiDataSet(
                new INDArray[] {source[0], Nd4j.create(decoderInput, new long[] {b, 1, t}, 'c')},
                new INDArray[] {labelArray},
                new INDArray[] {source[1], Nd4j.create(mask, new long[] {b, t}, 'c')},
                new INDArray[] {Nd4j.create(mask, new long[] {b, t}, 'c')});
    }

    /**
     * Source ids {@code [B, 1, S]} and their mask {@code [B, S]}, as in {@link #vectorize} (reversed if this
     * vectorizer reverses): what a trained model's encoder takes at inference time.
     */
    public INDArray[] sources(List<int[]> sources) {
        int b = sources.size();
        int s = 0;
        for (int[] x : sources) {
            s = Math.max(s, x.length);
        }
        float[] ids = new float[b * s];
        float[] mask = new float[b * s];
        for (int i = 0; i < b; i++) {
            int[] x = sources.get(i);
            int row = i * s;
            for (int step = 0; step < x.length; step++) {
                ids[row + step] = reverseSource ? x[x.length - 1 - step] : x[step];
                mask[row + step] = 1;
            }
        }
        return new INDArray[] {Nd4j.create(ids, new long[] {b, 1, s}, 'c'), Nd4j.create(mask, new long[] {b, s}, 'c')};
    }

    /** The padding of the batch {@link #vectorize} makes of these pairs. */
    public static PaddingStats padding(List<EncodedPair> batch) {
        int[] sourceLengths = new int[batch.size()];
        int[] targetLengths = new int[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            sourceLengths[i] = batch.get(i).source().length;
            targetLengths[i] = batch.get(i).target().length;
        }
        return PaddingStats.ofBatch(sourceLengths, targetLengths, batch.size());
    }
}
