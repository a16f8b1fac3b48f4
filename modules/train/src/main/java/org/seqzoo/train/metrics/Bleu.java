package org.seqzoo.train.metrics;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Corpus BLEU-4 exactly as sacrebleu 2.x returns it from {@code sacrebleu.corpus_bleu(hypotheses, [references])}
 * with its defaults: 13a tokenisation, case-sensitive, n-gram statistics summed over the corpus (not averaged
 * over sentences), modified precisions of orders 1 to 4 combined by their geometric mean, and the standard
 * brevity penalty {@code exp(1 - r/c)} when the hypotheses are shorter than the references ({@code c < r}).
 *
 * <p>Smoothing: sacrebleu's {@code corpus_bleu} defaults to {@code smooth_method='exp'} (Chen &amp; Cherry 2014,
 * method 3, as in mteval-v13a.pl), and so does this class. It changes nothing while every order has at least one
 * matching n-gram, which is the usual case for a corpus. When some order {@code n} has n-grams but none match,
 * its precision becomes {@code 100 / (2^k · total_n)}, {@code k} counting such orders so far, instead of zero.
 * The score is 0 when no n-gram of any order matches, or when the hypotheses have no n-grams of some order
 * (all shorter than n tokens), again as in sacrebleu.
 *
 * <p>With several references per hypothesis ({@link BleuStatistics#add(String, List)}) a hypothesis n-gram
 * counts up to its largest count in any one reference, and the reference length is the one closest to the
 * hypothesis length (the shorter on a tie).
 */
public final class Bleu {

    /** Highest n-gram order. */
    public static final int MAX_ORDER = 4;

    /**
     * Punctuation and symbols that 13a always separates: ASCII {@code { | } ~ [ \ ] ^ _ `}, space to
     * {@code &}, {@code ( ) * +}, {@code : ; < = > ? @} and {@code /}; not the apostrophe, comma, dash or period.
     */
    private static final Pattern SYMBOL = Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])");
    private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    private Bleu() {
    }

    /**
     * Corpus BLEU of detokenised hypotheses against one detokenised reference each.
     *
     * @throws IllegalArgumentException if the two lists differ in length
     */
    public static BleuScore corpus(List<String> hypotheses, List<String> references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException("BLEU needs one reference per hypothesis; got "
                    + hypotheses.size() + " hypotheses and " + references.size() + " references");
        }
        BleuStatistics statistics = new BleuStatistics();
        for (int i = 0; i < hypotheses.size(); i++) {
            statistics.add(Objects.requireNonNull(hypotheses.get(i), "hypothesis " + i + " is null"),
                    Objects.requireNonNull(references.get(i), "reference " + i + " is null"));
        }
        return statistics.score();
    }

    /**
     * sacrebleu's 13a tokeniser (the rules of mteval-v13a.pl, used by WMT): removes {@code <skipped>}, joins
     * lines broken after a dash, unescapes {@code &quot; &amp; &lt; &gt;} (in that order, once), splits off
     * punctuation and symbols, splits periods and commas except between digits ({@code 3,000.50} stays whole)
     * and a dash after a digit ({@code 2021-05-07} becomes {@code 2021 - 05 - 07}), then collapses whitespace.
     *
     * @return the tokens separated by single spaces
     */
    public static String tokenize13a(String line) {
        String text = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (text.indexOf('&') >= 0) {
            text = text.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        }
        text = " " + text + " ";
        text = SYMBOL.matcher(text).replaceAll(" $1 ");
        text = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(text).replaceAll("$1 $2 ");
        text = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(text).replaceAll(" $1 $2");
        text = DASH_AFTER_DIGIT.matcher(text).replaceAll("$1 $2 ");
        return String.join(" ", PythonWhitespace.split(text));
    }

    /**
     * BLEU from its sufficient statistics, sacrebleu's {@code compute_bleu} with {@code 'exp'} smoothing.
     *
     * @param matches          clipped matching n-grams of orders 1..4
     * @param totals           hypothesis n-grams of orders 1..4
     * @param hypothesisLength hypothesis tokens in the corpus
     * @param referenceLength  reference tokens in the corpus (the closest reference's, per segment)
     */
    public static BleuScore score(long[] matches, long[] totals, long hypothesisLength, long referenceLength) {
        if (matches.length != MAX_ORDER || totals.length != MAX_ORDER) {
            throw new IllegalArgumentException("BLEU statistics need " + MAX_ORDER + " orders; got "
                    + matches.length + " match counts and " + totals.length + " totals");
        }
        double brevityPenalty = hypothesisLength >= referenceLength ? 1.0
                : hypothesisLength > 0 ? Math.exp(1.0 - (double) referenceLength / hypothesisLength) : 0.0;
        double ratio = referenceLength > 0 ? (double) hypothesisLength / referenceLength : 0.0;
        double[] precisions = new double[MAX_ORDER];
        boolean anyMatch = false;
        for (long m : matches) {
            anyMatch |= m > 0;
        }
        if (!anyMatch) {
            return new BleuScore(0.0, precisions, brevityPenalty, ratio, hypothesisLength, referenceLength);
        }
        double smoothing = 1.0;
        for (int n = 0; n < MAX_ORDER && totals[n] > 0; n++) {
            if (matches[n] == 0) {
                smoothing *= 2;
                precisions[n] = 100.0 / (smoothing * totals[n]);
            } else {
                precisions[n] = 100.0 * matches[n] / totals[n];
            }
        }
        double logSum = 0.0;
        for (double p : precisions) {
            if (p == 0.0) {
                // sacrebleu takes log 0 as -9999999999, which makes the score exactly 0.
                return new BleuScore(0.0, precisions, brevityPenalty, ratio, hypothesisLength, referenceLength);
            }
            logSum += Math.log(p);
        }
        double score = brevityPenalty * Math.exp(logSum / MAX_ORDER);
        return new BleuScore(score, precisions, brevityPenalty, ratio, hypothesisLength, referenceLength);
    }
}
