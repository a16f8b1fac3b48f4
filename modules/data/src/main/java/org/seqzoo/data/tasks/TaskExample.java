package org.seqzoo.data.tasks;

/** One source / target example of a {@link SyntheticTask}. */
public record TaskExample(String source, String target) {
}
