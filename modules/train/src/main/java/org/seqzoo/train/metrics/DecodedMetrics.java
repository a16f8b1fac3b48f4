package org.seqzoo.train.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Decoded outputs (greedy or beam) against references, overall and per bucket of source length: exact match,
 * position-wise token accuracy and corpus BLEU ({@link Bleu}, on the detokenised texts).
 *
 * <p>Token accuracy compares position {@code i} of the hypothesis with position {@code i} of the reference and
 * divides the matches by {@code max(len_hyp, len_ref)}, so a missing or extra token counts as wrong; over many
 * sentences the matches and the lengths are summed first (a per-token, not per-sentence, average). Exact match
 * and token accuracy are fractions 0..1; BLEU is in percent like sacrebleu. A bucket without sentences reports
 * NaN. Not thread-safe.
 */
public final class DecodedMetrics {

    /**
     * One bucket's results.
     *
     * @param label         source lengths covered, e.g. {@code "6-10"} or {@code "41+"}
     * @param count         sentences in the bucket
     * @param exactMatch    fraction of outputs equal to their reference, 0..1
     * @param tokenAccuracy position-wise token accuracy, 0..1 (NaN without any token)
     * @param bleu          corpus BLEU of the bucket, 0..100
     */
    public record Bucket(String label, long count, double exactMatch, double tokenAccuracy, double bleu) {
    }

    private final int[] bucketUpperBounds;
    private final List<Tally> buckets = new ArrayList<>();
    private final Tally overall = new Tally("all");

    /**
     * @param bucketUpperBounds increasing inclusive upper bounds of the source length, e.g.
     *                          {@code {5, 10, 20, 40, Integer.MAX_VALUE}} for buckets 1-5, 6-10, 11-20, 21-40, 41+
     *                          (an empty source counts in the first bucket)
     */
    public DecodedMetrics(int[] bucketUpperBounds) {
        if (bucketUpperBounds.length == 0) {
            throw new IllegalArgumentException("need at least one bucket upper bound");
        }
        int lower = 1;
        for (int upper : bucketUpperBounds) {
            if (upper < lower) {
                throw new IllegalArgumentException("bucket upper bounds must increase from 1; got "
                        + Arrays.toString(bucketUpperBounds));
            }
            buckets.add(new Tally(label(lower, upper)));
            lower = upper == Integer.MAX_VALUE ? upper : upper + 1;
        }
        this.bucketUpperBounds = bucketUpperBounds.clone();
    }

    /**
     * Adds one decoded sentence.
     *
     * @param sourceLength      source tokens, which choose the bucket
     * @param hypothesisTokens  the decoded tokens (without {@code <s>} / {@code </s>})
     * @param referenceTokens   the reference tokens
     * @param hypothesisText    the decoded output, detokenised, for BLEU
     * @param referenceText     the reference, detokenised, for BLEU
     * @throws IllegalArgumentException if the source length is negative or above the last bucket
     */
    public void add(int sourceLength, List<String> hypothesisTokens, List<String> referenceTokens,
                    String hypothesisText, String referenceText) {
        Tally bucket = bucketOf(sourceLength);
        int positions = Math.max(hypothesisTokens.size(), referenceTokens.size());
        int correct = 0;
        for (int i = 0; i < Math.min(hypothesisTokens.size(), referenceTokens.size()); i++) {
            if (hypothesisTokens.get(i).equals(referenceTokens.get(i))) {
                correct++;
            }
        }
        boolean exact = hypothesisTokens.equals(referenceTokens);
        for (Tally tally : List.of(bucket, overall)) {
            tally.add(exact, correct, positions, hypothesisText, referenceText);
        }
    }

    /** Sentences added. */
    public long count() {
        return overall.count;
    }

    /** Fraction of outputs equal to their reference token for token, 0..1 (NaN when empty). */
    public double exactMatch() {
        return overall.exactMatch();
    }

    /** Position-wise token accuracy over all sentences, 0..1 (NaN when empty). */
    public double tokenAccuracy() {
        return overall.tokenAccuracy();
    }

    /** Corpus BLEU over all sentences. */
    public BleuScore bleu() {
        return overall.bleu.score();
    }

    /** One entry per bucket, in order, including empty ones. */
    public List<Bucket> buckets() {
        return buckets.stream().map(Tally::toBucket).toList();
    }

    /** A fixed-width text table: one row per bucket and a last row for all sentences. */
    public String table() {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-12s %8s %9s %12s %7s%n",
                "source len", "n", "exact %", "token acc %", "BLEU"));
        List<Bucket> rows = new ArrayList<>(buckets());
        rows.add(overall.toBucket());
        for (Bucket row : rows) {
            table.append(String.format(Locale.ROOT, "%-12s %8d %9s %12s %7s%n", row.label(), row.count(),
                    percent(100 * row.exactMatch()), percent(100 * row.tokenAccuracy()), percent(row.bleu())));
        }
        return table.toString();
    }

    private static String label(int lower, int upper) {
        if (upper == Integer.MAX_VALUE) {
            return lower + "+";
        }
        return lower == upper ? Integer.toString(lower) : lower + "-" + upper;
    }

    private static String percent(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }

    private Tally bucketOf(int sourceLength) {
        if (sourceLength < 0) {
            throw new IllegalArgumentException("source length must be ≥ 0; got " + sourceLength);
        }
        for (int i = 0; i < bucketUpperBounds.length; i++) {
            if (sourceLength <= bucketUpperBounds[i]) {
                return buckets.get(i);
            }
        }
        throw new IllegalArgumentException("source length " + sourceLength + " is above the last bucket (≤ "
                + bucketUpperBounds[bucketUpperBounds.length - 1] + "); end the bounds with Integer.MAX_VALUE");
    }

    /** Running sums of one bucket (or of all sentences). */
    private static final class Tally {
        private final String label;
        private final BleuStatistics bleu = new BleuStatistics();
        private long count;
        private long exact;
        private long correctTokens;
        private long positions;

        Tally(String label) {
            this.label = label;
        }

        void add(boolean exactMatch, int correct, int tokenPositions, String hypothesisText, String referenceText) {
            count++;
            exact += exactMatch ? 1 : 0;
            correctTokens += correct;
            positions += tokenPositions;
            bleu.add(hypothesisText, referenceText);
        }

        double exactMatch() {
            return (double) exact / count;
        }

        double tokenAccuracy() {
            return (double) correctTokens / positions;
        }

        Bucket toBucket() {
            return new Bucket(label, count, exactMatch(), tokenAccuracy(), count == 0 ? Double.NaN : bleu.score().score());
        }
    }
}
