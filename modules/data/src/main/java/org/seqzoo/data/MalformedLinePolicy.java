package org.seqzoo.data;

/**
 * What happens to a malformed corpus line (no tab, an empty side, invalid UTF-8, an overlong line): an error
 * naming file and line ({@link #FAIL}, the default), or skipped and counted by reason ({@link #SKIP}), the
 * counts reported in a {@link CorpusReport} and the first few lines logged. Problems that make the rest of
 * the corpus meaningless (a missing file, parallel files of different length) are errors under both; blank
 * lines and pairs over the length limits are counted under both, never errors.
 */
public enum MalformedLinePolicy {
    FAIL,
    SKIP
}
