package org.seqzoo.data.text;

import java.util.List;

/**
 * Splits text into tokens and joins tokens back into readable text: the pluggable step between a corpus line
 * and vocabulary ids. seqzoo provides {@link WordTokenizer} and {@link CharacterTokenizer}; implement this
 * for your own (a subword model, a language-specific segmenter).
 *
 * <p>Contract: {@link #tokenize} normalises as it sees fit (the built-in tokenizers use a
 * {@link TextNormalizer}); tokens are non-empty and contain no whitespace (vocabulary files hold one token per
 * line); blank text gives no tokens. Implementations must be stateless or thread-safe: batches are prepared
 * on a background thread.
 */
public interface Tokenizer {

    /** The tokens of raw text (normalised by the tokenizer); empty for blank text. */
    List<String> tokenize(String text);

    /** Readable text from tokens, for display (not necessarily the original spelling or spacing). */
    String detokenize(List<String> tokens);
}
