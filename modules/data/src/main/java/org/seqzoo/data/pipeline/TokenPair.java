package org.seqzoo.data.pipeline;

import java.util.List;

import org.seqzoo.data.corpus.TextPair;

/**
 * A pair after tokenising: the tokens of both sides and the text pair they came from (for messages and
 * samples).
 */
public record TokenPair(TextPair text, List<String> source, List<String> target) {
}
