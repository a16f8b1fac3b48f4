package org.seqzoo.data;

/**
 * Why a line of a corpus did not become a pair. Under {@link MalformedLinePolicy#FAIL} the format reasons are
 * errors ({@link DataFileException}); under {@link MalformedLinePolicy#SKIP} they are counted in a
 * {@link CorpusReport}. Blank lines and the length filters are always counted, never errors.
 */
public enum SkipReason {
    /** An empty or whitespace-only line: carries no pair; always skipped and counted. */
    BLANK_LINE("blank line", false),
    NO_TAB("no tab between source and target", true),
    EMPTY_SOURCE("empty source", true),
    EMPTY_TARGET("empty target", true),
    INVALID_UTF8("invalid UTF-8", true),
    LINE_TOO_LONG("line too long", true),
    /** More source tokens than the pipeline's limit; always skipped and counted. */
    SOURCE_TOO_LONG("source longer than the token limit", false),
    /** More target tokens than the pipeline's limit; always skipped and counted. */
    TARGET_TOO_LONG("target longer than the token limit", false);

    private final String description;
    private final boolean malformed;

    SkipReason(String description, boolean malformed) {
        this.description = description;
        this.malformed = malformed;
    }

    /** Human-readable reason, as used in error messages and reports. */
    public String description() {
        return description;
    }

    /** True for a malformed line (an error unless the policy is {@link MalformedLinePolicy#SKIP}). */
    public boolean malformed() {
        return malformed;
    }
}
