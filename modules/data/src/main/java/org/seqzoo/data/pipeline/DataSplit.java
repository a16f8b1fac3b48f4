package org.seqzoo.data.pipeline;

/**
 * A deterministic train / validation / test split of one corpus. A pair's part is decided by a seeded 64-bit
 * hash of its source text as read: stable across runs, machines and Java versions, independent of the order
 * of the corpus and of shuffling, and needing no pass over the data. Hashing the source (not the whole pair)
 * keeps every translation of one source sentence in the same part, so no test sentence was seen in training
 * (Tatoeba has many sentences with several translations). The fractions are met in expectation.
 *
 * @param validFraction share of pairs in {@link SplitPart#VALID}
 * @param testFraction  share of pairs in {@link SplitPart#TEST}
 * @param seed          changes the assignment (the same seed gives the same split)
 */
public record DataSplit(double validFraction, double testFraction, long seed) {

    public DataSplit {
        if (!(validFraction >= 0 && testFraction >= 0 && validFraction + testFraction < 1)) {
            throw new IllegalArgumentException("Split fractions must be non-negative and leave room for training: valid="
                    + validFraction + " test=" + testFraction);
        }
    }

    /** The part of the pair with this source text. */
    public SplitPart partOf(String sourceText) {
        double u = (hash(sourceText, seed) >>> 11) * 0x1.0p-53;
        if (u < testFraction) {
            return SplitPart.TEST;
        }
        return u < testFraction + validFraction ? SplitPart.VALID : SplitPart.TRAIN;
    }

    /** FNV-1a over the UTF-16 code units, seeded, then the SplitMix64 finaliser to spread the bits. */
    static long hash(String text, long seed) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
