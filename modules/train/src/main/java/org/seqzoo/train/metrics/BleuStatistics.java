package org.seqzoo.train.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sufficient statistics of corpus BLEU (matching and total n-grams per order, hypothesis and reference
 * lengths), accumulated one segment at a time so that a corpus, or a bucket of it, needs no stored text.
 * Segments are tokenised with {@link Bleu#tokenize13a} after trailing whitespace is removed, as sacrebleu does.
 * Not thread-safe.
 */
public final class BleuStatistics {

    private final long[] matches = new long[Bleu.MAX_ORDER];
    private final long[] totals = new long[Bleu.MAX_ORDER];
    private long hypothesisLength;
    private long referenceLength;

    /** Adds one detokenised hypothesis with its one reference. */
    public void add(String hypothesis, String reference) {
        add(hypothesis, List.of(reference));
    }

    /** Adds one detokenised hypothesis with one or more references (sacrebleu's multi-reference rules). */
    public void add(String hypothesis, List<String> references) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("a hypothesis needs at least one reference: " + hypothesis);
        }
        List<String> hypothesisTokens = tokens(hypothesis);
        Map<String, Integer> referenceCounts = new HashMap<>();
        int closestLength = -1;
        for (String reference : references) {
            List<String> referenceTokens = tokens(reference);
            ngramCounts(referenceTokens).forEach((ngram, count) -> referenceCounts.merge(ngram, count, Math::max));
            int length = referenceTokens.size();
            int distance = Math.abs(length - hypothesisTokens.size());
            int closestDistance = Math.abs(closestLength - hypothesisTokens.size());
            if (closestLength < 0 || distance < closestDistance || distance == closestDistance && length < closestLength) {
                closestLength = length;
            }
        }
        ngramCounts(hypothesisTokens).forEach((ngram, count) -> {
            int order = ngramOrder(ngram);
            totals[order - 1] += count;
            matches[order - 1] += Math.min(count, referenceCounts.getOrDefault(ngram, 0));
        });
        hypothesisLength += hypothesisTokens.size();
        referenceLength += closestLength;
    }

    /** BLEU of everything added so far (0 when nothing was added). */
    public BleuScore score() {
        return Bleu.score(matches.clone(), totals.clone(), hypothesisLength, referenceLength);
    }

    private static List<String> tokens(String segment) {
        String tokenized = Bleu.tokenize13a(PythonWhitespace.rstrip(segment));
        return tokenized.isEmpty() ? List.of() : List.of(tokenized.split(" "));
    }

    /** Counts of all n-grams of orders 1..4, each written as its tokens joined by single spaces. */
    private static Map<String, Integer> ngramCounts(List<String> tokens) {
        Map<String, Integer> counts = new HashMap<>();
        for (int n = 1; n <= Bleu.MAX_ORDER; n++) {
            for (int start = 0; start + n <= tokens.size(); start++) {
                counts.merge(String.join(" ", tokens.subList(start, start + n)), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Tokens never contain spaces, so an n-gram's order is its number of spaces plus one. */
    private static int ngramOrder(String ngram) {
        int order = 1;
        for (int i = 0; i < ngram.length(); i++) {
            if (ngram.charAt(i) == ' ') {
                order++;
            }
        }
        return order;
    }
}
