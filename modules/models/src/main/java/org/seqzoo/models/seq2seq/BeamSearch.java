package org.seqzoo.models.seq2seq;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Beam search over a {@link Seq2SeqDecoder}, batched over many sources (each source's K beams are K rows of
 * one decoder state, reordered after every step). Active beams are ranked by their summed {@code log P};
 * finished ones ({@code </s>} chosen) by {@code log P / length^α} (length normalisation, α =
 * {@link Settings#lengthPenalty()}, 0 = none, 1 = average per token). A source stops when it has
 * {@code width} finished hypotheses or at {@code maxLength}, when its unfinished beams join the n-best list.
 * Ties go to the lowest beam, then the lowest token id, so width 1 returns exactly {@link GreedyDecoding}'s
 * result.
 */
public final class BeamSearch {

    /**
     * @param width         beams per source, K ≥ 1
     * @param maxLength     most tokens generated (without {@code </s>})
     * @param lengthPenalty α of the length normalisation
     * @param nBest         hypotheses returned per source (≤ width)
     */
    public record Settings(int width, int maxLength, double lengthPenalty, int nBest) {
        public Settings {
            if (width < 1 || maxLength < 1 || nBest < 1 || nBest > width || lengthPenalty < 0) {
                throw new IllegalArgumentException("beam settings need width ≥ 1, maxLength ≥ 1, 1 ≤ nBest ≤ width, "
                        + "lengthPenalty ≥ 0; got width=" + width + " maxLength=" + maxLength + " nBest=" + nBest
                        + " lengthPenalty=" + lengthPenalty);
            }
        }
    }

    private BeamSearch() {
    }

    /** One continuation: parent row, token, summed log P. */
    private record Candidate(int row, int token, double logProbability) {
    }

    private static final Comparator<Candidate> BEST_FIRST = Comparator.comparingDouble(Candidate::logProbability)
            .reversed().thenComparingInt(Candidate::row).thenComparingInt(Candidate::token);

    /** The n-best hypotheses for every source row of {@code sourceIds} ({@code [B, 1, Ts]}, mask or null). */
    public static List<List<Hypothesis>> decode(Seq2SeqDecoder decoder, INDArray sourceIds, INDArray sourceMask,
                                                Settings settings) {
        int k = settings.width();
        Seq2SeqDecoder.Encoded encoded = decoder.encode(sourceIds, sourceMask);
        int sources = encoded.size();
        int rows = sources * k;
        int[] repeat = new int[rows];
        for (int r = 0; r < rows; r++) {
            repeat[r] = r / k;
        }
        Seq2SeqDecoder.State state = decoder.start(encoded).select(repeat);
        double[] beamLogP = new double[rows];
        int[][] history = new int[rows][0];
        for (int r = 0; r < rows; r++) {
            beamLogP[r] = r % k == 0 ? 0.0 : Double.NEGATIVE_INFINITY;
        }
        List<List<Hypothesis>> finished = new ArrayList<>();
        boolean[] done = new boolean[sources];
        for (int s = 0; s < sources; s++) {
            finished.add(new ArrayList<>());
        }
        int[] previous = new int[rows];
        Arrays.fill(previous, GreedyDecoding.BOS);

        for (int t = 0; t < settings.maxLength(); t++) {
            float[][] logP = decoder.step(state, previous).toFloatMatrix();
            INDArray attention = state.attentionWeights();
            int[] parents = new int[rows];
            int[] tokens = new int[rows];
            double[] nextLogP = new double[rows];
            int[][] nextHistory = new int[rows][];
            for (int s = 0; s < sources; s++) {
                int base = s * k;
                Arrays.fill(nextLogP, base, base + k, Double.NEGATIVE_INFINITY);
                for (int j = 0; j < k; j++) {
                    parents[base + j] = base;
                    tokens[base + j] = GreedyDecoding.EOS;
                    nextHistory[base + j] = history[base];
                }
                if (done[s]) {
                    continue;
                }
                int filled = 0;
                List<Candidate> candidates = best(logP, beamLogP, base, k, 2 * k);
                for (int rank = 0; rank < candidates.size() && filled < k; rank++) {
                    Candidate c = candidates.get(rank);
                    if (c.token() == GreedyDecoding.EOS) {
                        // An ending counts only if it ranks among the K best continuations (as in fairseq).
                        if (rank < k) {
                            finished.get(s).add(hypothesis(history[c.row()], c.logProbability(), true, attention,
                                    c.row(), settings.lengthPenalty()));
                        }
                    } else {
                        int slot = base + filled++;
                        parents[slot] = c.row();
                        tokens[slot] = c.token();
                        nextLogP[slot] = c.logProbability();
                        nextHistory[slot] = append(history[c.row()], c.token());
                    }
                }
                if (finished.get(s).size() >= k) {
                    done[s] = true;
                    Arrays.fill(nextLogP, base, base + k, Double.NEGATIVE_INFINITY);
                }
            }
            if (allDone(done)) {
                break;
            }
            state = state.select(parents);
            beamLogP = nextLogP;
            history = nextHistory;
            previous = tokens;
        }
        INDArray attention = state.attentionWeights();
        List<List<Hypothesis>> out = new ArrayList<>();
        for (int s = 0; s < sources; s++) {
            List<Hypothesis> list = finished.get(s);
            if (!done[s]) {
                for (int r = s * k; r < (s + 1) * k; r++) {
                    if (beamLogP[r] > Double.NEGATIVE_INFINITY) {
                        list.add(hypothesis(history[r], beamLogP[r], false, attention, r, settings.lengthPenalty()));
                    }
                }
            }
            list.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
            out.add(new ArrayList<>(list.subList(0, Math.min(settings.nBest(), list.size()))));
        }
        return out;
    }

    /** The {@code count} best continuations of the beams {@code base … base+k-1} that are alive. */
    private static List<Candidate> best(float[][] logP, double[] beamLogP, int base, int k, int count) {
        PriorityQueue<Candidate> worstFirst = new PriorityQueue<>(BEST_FIRST.reversed());
        for (int r = base; r < base + k; r++) {
            if (beamLogP[r] == Double.NEGATIVE_INFINITY) {
                continue;
            }
            for (int v = 0; v < logP[r].length; v++) {
                double total = beamLogP[r] + logP[r][v];
                if (worstFirst.size() == count && total < worstFirst.peek().logProbability()) {
                    continue;
                }
                Candidate c = new Candidate(r, v, total);
                if (worstFirst.size() < count) {
                    worstFirst.add(c);
                } else if (BEST_FIRST.compare(c, worstFirst.peek()) < 0) {
                    worstFirst.poll();
                    worstFirst.add(c);
                }
            }
        }
        List<Candidate> sorted = new ArrayList<>(worstFirst);
        sorted.sort(BEST_FIRST);
        return sorted;
    }

    private static Hypothesis hypothesis(int[] tokens, double logProbability, boolean finished, INDArray attention,
                                         int row, double lengthPenalty) {
        int length = tokens.length + (finished ? 1 : 0);
        double score = logProbability / Math.pow(Math.max(1, length), lengthPenalty);
        Optional<INDArray> weights = attention == null ? Optional.empty()
                : Optional.of(attention.get(point(row), interval(0, Math.min(length, attention.size(1))), all()).dup());
        return new Hypothesis(tokens, logProbability, score, finished, weights);
    }

    private static int[] append(int[] tokens, int token) {
        int[] out = Arrays.copyOf(tokens, tokens.length + 1);
        out[tokens.length] = token;
        return out;
    }

    private static boolean allDone(boolean[] done) {
        for (boolean d : done) {
            if (!d) {
                return false;
            }
        }
        return true;
    }
}
