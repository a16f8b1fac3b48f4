package org.seqzoo.data.vocab;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Token frequencies gathered in one streaming pass (memory grows with the number of distinct tokens, not
 * with the corpus), turned into a {@link Vocabulary} by {@link #toVocabulary}. Not thread-safe.
 */
public final class TokenCounts {

    private final Map<String, long[]> counts = new HashMap<>();
    private long total;

    public void add(String token) {
        long[] count = counts.get(token);
        if (count == null) {
            counts.put(token, new long[] {1});
        } else {
            count[0]++;
        }
        total++;
    }

    public void addAll(List<String> tokens) {
        for (String token : tokens) {
            add(token);
        }
    }

    /** Counts of both, as a new object. */
    public TokenCounts plus(TokenCounts other) {
        TokenCounts sum = new TokenCounts();
        for (TokenCounts part : List.of(this, other)) {
            part.counts.forEach((token, count) -> sum.counts.computeIfAbsent(token, t -> new long[1])[0] += count[0]);
            sum.total += part.total;
        }
        return sum;
    }

    public long count(String token) {
        long[] count = counts.get(token);
        return count == null ? 0 : count[0];
    }

    /** Number of distinct tokens. */
    public int distinct() {
        return counts.size();
    }

    /** Number of token occurrences. */
    public long total() {
        return total;
    }

    /** Occurrences of tokens that the vocabulary maps to an id other than {@code <unk>}. */
    public long covered(Vocabulary vocabulary) {
        long sum = 0;
        for (Map.Entry<String, long[]> entry : counts.entrySet()) {
            if (vocabulary.id(entry.getKey()) != Vocabulary.UNK_ID) {
                sum += entry.getValue()[0];
            }
        }
        return sum;
    }

    /**
     * The vocabulary of the tokens seen at least {@code minFrequency} times, most frequent first (ties by
     * token, in {@link String#compareTo} order, so the result does not depend on the corpus order), cut to
     * {@code maxSize} with the specials. Specials that occur as text are not listed twice.
     */
    public Vocabulary toVocabulary(VocabularyLimits limits) {
        List<Map.Entry<String, long[]>> kept = new ArrayList<>();
        for (Map.Entry<String, long[]> entry : counts.entrySet()) {
            if (entry.getValue()[0] >= limits.minFrequency() && !Vocabulary.SPECIALS.contains(entry.getKey())) {
                kept.add(entry);
            }
        }
        kept.sort(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0])
                .thenComparing(Map.Entry::getKey));
        int room = limits.maxSize() - Vocabulary.SPECIALS.size();
        return Vocabulary.of(kept.subList(0, Math.min(room, kept.size())).stream().map(Map.Entry::getKey).toList());
    }
}
