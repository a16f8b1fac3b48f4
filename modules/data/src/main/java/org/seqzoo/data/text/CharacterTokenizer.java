package org.seqzoo.data.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Character-level tokenisation after {@link TextNormalizer normalisation}: one token per character (a code
 * point with the combining marks and emoji modifiers attached to it, so "é" in either Unicode form is one
 * token), the space written as {@value #SPACE} (U+2581, as SentencePiece does) so that vocabulary files stay
 * one visible token per line. The tokenizer of seqzoo's synthetic tasks and of scripts without spaces.
 * A literal U+2581 in the text detokenises to a space.
 */
public final class CharacterTokenizer implements Tokenizer {

    /** The token standing for a space. */
    public static final String SPACE = "\u2581";

    private final TextNormalizer normalizer;

    public CharacterTokenizer(TextNormalizer normalizer) {
        this.normalizer = normalizer;
    }

    /** Standard normalisation (NFC, spacing cleaned), case kept. */
    public static CharacterTokenizer standard() {
        return new CharacterTokenizer(TextNormalizer.standard());
    }

    public TextNormalizer normalizer() {
        return normalizer;
    }

    @Override
    public List<String> tokenize(String text) {
        String s = normalizer.normalize(text);
        List<String> tokens = new ArrayList<>(s.length());
        for (int i = 0; i < s.length(); ) {
            int end = CharacterClass.clusterEnd(s, i);
            tokens.add(s.charAt(i) == ' ' ? SPACE : s.substring(i, end));
            i = end;
        }
        return tokens;
    }

    @Override
    public String detokenize(List<String> tokens) {
        StringBuilder out = new StringBuilder();
        for (String token : tokens) {
            out.append(SPACE.equals(token) ? " " : token);
        }
        return out.toString();
    }
}
