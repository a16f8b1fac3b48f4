package org.seqzoo.train.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.seqzoo.data.text.CharacterTokenizer;
import org.seqzoo.data.text.TextNormalizer;
import org.seqzoo.data.text.Tokenizer;
import org.seqzoo.data.text.Typography;
import org.seqzoo.data.text.WordTokenizer;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The tokenizers a command line option can name: {@code words} (punctuation split from words, French
 * elisions and English clitics split; see {@link WordTokenizer}), {@code words-fr} (the same tokens,
 * detokenised with French spacing) and {@code chars} (one token per character, for the synthetic tasks).
 */
public enum TokenizerChoice {
    WORDS("words"),
    WORDS_FR("words-fr"),
    CHARS("chars");

    /** For option descriptions. */
    public static final String NAMES = Arrays.stream(values()).map(c -> c.label).collect(Collectors.joining(", "));

    private final String label;

    TokenizerChoice(String label) {
        this.label = label;
    }

    /** The tokenizer, normalising with NFC, Unicode spacing and (optionally) lower-casing. */
    public Tokenizer create(boolean lowercase) {
        TextNormalizer normalizer = TextNormalizer.standard().withLowercase(lowercase);
        return switch (this) {
            case WORDS -> new WordTokenizer(normalizer, Typography.ENGLISH);
            case WORDS_FR -> new WordTokenizer(normalizer, Typography.FRENCH);
            case CHARS -> new CharacterTokenizer(normalizer);
        };
    }

    /** The name used on the command line and in model bundles. */
    public String label() {
        return label;
    }

    /**
     * The choice named {@code value} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the known tokenizers
     */
    public static TokenizerChoice fromLabel(String value) {
        String wanted = value.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(c -> c.label.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown tokenizer '" + value + "' (choose " + NAMES + ")"));
    }

    @Override
    public String toString() {
        return label;
    }

    /** The names, for picocli's {@code completionCandidates} (listed in --help). */
    public static final class Names extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        public Names() {
            for (TokenizerChoice choice : values()) {
                add(choice.label);
            }
        }
    }

    /** Reads the option value. */
    public static final class Converter implements ITypeConverter<TokenizerChoice> {
        @Override
        public TokenizerChoice convert(String value) {
            try {
                return fromLabel(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
