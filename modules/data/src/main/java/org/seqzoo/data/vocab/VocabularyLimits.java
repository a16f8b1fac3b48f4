package org.seqzoo.data.vocab;

/**
 * Which counted tokens make it into a vocabulary.
 *
 * @param minFrequency tokens seen fewer times become {@code <unk>} (at least 1)
 * @param maxSize      largest vocabulary, the four specials included (at least 5); the most frequent tokens
 *                     are kept
 */
public record VocabularyLimits(int minFrequency, int maxSize) {

    /** Every token seen at least once. */
    public static final VocabularyLimits NONE = new VocabularyLimits(1, Integer.MAX_VALUE);

    public VocabularyLimits {
        if (minFrequency < 1) {
            throw new IllegalArgumentException("Minimum frequency must be at least 1, got " + minFrequency);
        }
        if (maxSize <= Vocabulary.SPECIALS.size()) {
            throw new IllegalArgumentException("Maximum vocabulary size must exceed the " + Vocabulary.SPECIALS.size()
                    + " specials, got " + maxSize);
        }
    }
}
