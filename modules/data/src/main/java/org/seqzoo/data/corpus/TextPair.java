package org.seqzoo.data.corpus;

/**
 * One (source, target) pair as read from a corpus, before any normalisation, with where it came from.
 *
 * @param source     the source text (the first column, or the line of the source file)
 * @param target     the target text (the second column, or the line of the target file)
 * @param sourceFile the file the source was read from, as shown in messages
 * @param targetFile the file the target was read from (the same as {@code sourceFile} for a TSV corpus)
 * @param line       its 1-based line number
 */
public record TextPair(String source, String target, String sourceFile, String targetFile, long line) {
}
