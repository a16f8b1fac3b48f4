package org.seqzoo.models.seq2seq;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.nd4j.linalg.api.ndarray.INDArray;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * Greedy decoding, batched: at each step every unfinished row takes its most probable token, until
 * {@code </s>} or {@code maxLength} tokens. Ties go to the lowest token id (as in {@link BeamSearch}, so that a
 * beam of width 1 returns exactly this result).
 */
public final class GreedyDecoding {

    /** {@code <s>} and {@code </s>} ids (DESIGN.md vocabulary specials). */
    public static final int BOS = 2;
    public static final int EOS = 3;

    private GreedyDecoding() {
    }

    /**
     * Decodes a source batch ({@code [B, 1, Ts]} ids, mask {@code [B, Ts]} or null) into one hypothesis per row.
     */
    public static List<Hypothesis> decode(Seq2SeqDecoder decoder, INDArray sourceIds, INDArray sourceMask,
                                          int maxLength) {
        Seq2SeqDecoder.Encoded encoded = decoder.encode(sourceIds, sourceMask);
        Seq2SeqDecoder.State state = decoder.start(encoded);
        int n = encoded.size();
        int[] previous = new int[n];
        java.util.Arrays.fill(previous, BOS);
        List<List<Integer>> tokens = new ArrayList<>();
        double[] logProb = new double[n];
        int[] steps = new int[n];
        boolean[] finished = new boolean[n];
        for (int i = 0; i < n; i++) {
            tokens.add(new ArrayList<>());
        }
        int done = 0;
        for (int t = 0; t < maxLength && done < n; t++) {
            float[][] logP = decoder.step(state, previous).toFloatMatrix();
            for (int i = 0; i < n; i++) {
                if (finished[i]) {
                    previous[i] = EOS;
                    continue;
                }
                int best = argmax(logP[i]);
                logProb[i] += logP[i][best];
                steps[i]++;
                previous[i] = best;
                if (best == EOS) {
                    finished[i] = true;
                    done++;
                } else {
                    tokens.get(i).add(best);
                }
            }
        }
        INDArray attention = state.attentionWeights();
        List<Hypothesis> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Optional<INDArray> weights = attention == null ? Optional.empty()
                    : Optional.of(attention.get(point(i), interval(0, steps[i]), all()).dup());
            out.add(new Hypothesis(tokens.get(i).stream().mapToInt(Integer::intValue).toArray(), logProb[i],
                    logProb[i], finished[i], weights));
        }
        return out;
    }

    /** Index of the largest value; the lowest index among ties. */
    static int argmax(float[] values) {
        int best = 0;
        for (int v = 1; v < values.length; v++) {
            if (values[v] > values[best]) {
                best = v;
            }
        }
        return best;
    }
}
