package org.seqzoo.train.metrics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * A corpus BLEU result as sacrebleu reports it.
 *
 * @param score            BLEU in percent, 0..100
 * @param precisions       the (smoothed) modified n-gram precisions of orders 1..4, in percent
 * @param brevityPenalty   {@code exp(1 - r/c)} if {@code c < r}, else 1
 * @param ratio            hypothesis length / reference length ({@code c / r}, 0 if {@code r = 0})
 * @param hypothesisLength {@code c}, hypothesis tokens after 13a tokenisation
 * @param referenceLength  {@code r}, reference tokens after 13a tokenisation
 */
public record BleuScore(double score, double[] precisions, double brevityPenalty, double ratio,
                        long hypothesisLength, long referenceLength) {

    public BleuScore {
        precisions = precisions.clone();
    }

    /** A copy of the precisions. */
    @Override
    public double[] precisions() {
        return precisions.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BleuScore that && Double.compare(score, that.score) == 0
                && Arrays.equals(precisions, that.precisions) && Double.compare(brevityPenalty, that.brevityPenalty) == 0
                && Double.compare(ratio, that.ratio) == 0 && hypothesisLength == that.hypothesisLength
                && referenceLength == that.referenceLength;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(precisions) + Double.hashCode(score);
    }

    /**
     * sacrebleu's summary line, rounded as Python rounds (half-even on the exact binary value), e.g.
     * {@code BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)}.
     */
    @Override
    public String toString() {
        StringJoiner precisionText = new StringJoiner("/");
        for (double p : precisions) {
            precisionText.add(fixed(p, 1));
        }
        return "BLEU = " + fixed(score, 2) + " " + precisionText + " (BP = " + fixed(brevityPenalty, 3)
                + " ratio = " + fixed(ratio, 3) + " hyp_len = " + hypothesisLength + " ref_len = " + referenceLength + ")";
    }

    private static String fixed(double value, int decimals) {
        return new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }
}
