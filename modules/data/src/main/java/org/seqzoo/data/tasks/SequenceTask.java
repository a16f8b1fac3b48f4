package org.seqzoo.data.tasks;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Copy, reverse or sort a random string of symbols: the source is {@code minLength..maxLength} symbols drawn
 * uniformly from the alphabet; the target is the same string ({@link Kind#COPY}), backwards
 * ({@link Kind#REVERSE}) or in alphabet order ({@link Kind#SORT}). Reversal is the task where source
 * reversal and attention show their worth; sorting needs the whole source before the first output.
 *
 * @param kind      the rule
 * @param alphabet  the symbols, one character each, in sort order (no spaces, no duplicates)
 * @param minLength shortest source, in symbols (at least 1)
 * @param maxLength longest source
 */
public record SequenceTask(Kind kind, String alphabet, int minLength, int maxLength) implements SyntheticTask {

    /** The three rules. */
    public enum Kind {
        COPY,
        REVERSE,
        SORT
    }

    /** The default alphabet: ten lower-case letters (a vocabulary of 14 with the specials). */
    public static final String DEFAULT_ALPHABET = "abcdefghij";
    public static final int DEFAULT_MIN_LENGTH = 3;
    public static final int DEFAULT_MAX_LENGTH = 12;

    public SequenceTask {
        if (alphabet.isEmpty() || alphabet.codePointCount(0, alphabet.length()) != alphabet.length()) {
            throw new IllegalArgumentException("The alphabet must be one or more characters from the Basic Multilingual "
                    + "Plane, got '" + alphabet + "'");
        }
        if (alphabet.chars().distinct().count() != alphabet.length()) {
            throw new IllegalArgumentException("The alphabet repeats a symbol: '" + alphabet + "'");
        }
        if (alphabet.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c))) {
            throw new IllegalArgumentException("The alphabet must not contain spaces or control characters");
        }
        if (minLength < 1 || maxLength < minLength) {
            throw new IllegalArgumentException("Need 1 <= min length <= max length, got " + minLength + ".." + maxLength);
        }
    }

    /** The task with the default alphabet and lengths. */
    public static SequenceTask of(Kind kind) {
        return new SequenceTask(kind, DEFAULT_ALPHABET, DEFAULT_MIN_LENGTH, DEFAULT_MAX_LENGTH);
    }

    @Override
    public String name() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public TaskExample sample(SplittableRandom random) {
        int length = random.nextInt(minLength, maxLength + 1);
        int[] symbols = new int[length];
        for (int i = 0; i < length; i++) {
            symbols[i] = random.nextInt(alphabet.length());
        }
        String source = spell(symbols);
        return switch (kind) {
            case COPY -> new TaskExample(source, source);
            case REVERSE -> new TaskExample(source, new StringBuilder(source).reverse().toString());
            case SORT -> {
                int[] sorted = symbols.clone();
                Arrays.sort(sorted);
                yield new TaskExample(source, spell(sorted));
            }
        };
    }

    private String spell(int[] symbols) {
        char[] chars = new char[symbols.length];
        for (int i = 0; i < symbols.length; i++) {
            chars[i] = alphabet.charAt(symbols[i]);
        }
        return new String(chars);
    }
}
