package org.seqzoo.train.bundle;

import java.util.Objects;

import org.seqzoo.data.text.Tokenizer;
import org.seqzoo.train.text.TokenizerChoice;

/**
 * How a model's text is turned into tokens and back: the source and target tokenizers (by name, see
 * {@link TokenizerChoice}) and lower-casing. Saved in a model bundle so that {@code translate} tokenises exactly
 * as training did.
 */
public record TextSettings(TokenizerChoice sourceTokenizer, TokenizerChoice targetTokenizer, boolean lowercase) {

    public TextSettings {
        Objects.requireNonNull(sourceTokenizer, "sourceTokenizer");
        Objects.requireNonNull(targetTokenizer, "targetTokenizer");
    }

    public Tokenizer source() {
        return sourceTokenizer.create(lowercase);
    }

    public Tokenizer target() {
        return targetTokenizer.create(lowercase);
    }
}
