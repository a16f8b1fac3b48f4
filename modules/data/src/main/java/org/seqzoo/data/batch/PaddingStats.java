package org.seqzoo.data.batch;

/**
 * How much of a batch is padding: real token positions (source tokens, and target tokens plus the
 * {@code </s>} step) against all time-step slots of the padded arrays (batch size times the longest
 * source, plus batch size times the longest target + 1). Padding costs compute in the recurrent layers
 * even though the masks keep it out of the loss.
 *
 * @param tokens real positions
 * @param slots  all positions, padding included
 */
public record PaddingStats(long tokens, long slots) {

    public static final PaddingStats NONE = new PaddingStats(0, 0);

    /**
     * The padding of one batch of pairs with these lengths (targets counted without {@code </s>}; entries
     * {@code 0..size-1} of the arrays are used).
     */
    public static PaddingStats ofBatch(int[] sourceLengths, int[] targetLengths, int size) {
        int longestSource = 0;
        int longestTarget = 0;
        long tokens = 0;
        for (int i = 0; i < size; i++) {
            longestSource = Math.max(longestSource, sourceLengths[i]);
            longestTarget = Math.max(longestTarget, targetLengths[i] + 1);
            tokens += sourceLengths[i] + targetLengths[i] + 1;
        }
        return new PaddingStats(tokens, (long) size * (longestSource + longestTarget));
    }

    /** Share of the slots that is padding, in [0, 1). */
    public double paddedFraction() {
        return slots == 0 ? 0 : 1.0 - (double) tokens / slots;
    }

    public PaddingStats plus(PaddingStats other) {
        return new PaddingStats(tokens + other.tokens, slots + other.slots);
    }
}
