package org.seqzoo.data.tasks;

import java.util.SplittableRandom;

/**
 * A synthetic seq2seq task: a rule from source strings to target strings that a model should learn, the
 * classic sanity checks before real translation. Examples are drawn from a seeded random source, so a
 * (task, size, seed) triple always gives the same dataset ({@link SyntheticDataset}).
 *
 * <p>All tasks are character-level and written as natural text ({@code "123+45" -> "168"},
 * {@code "hbdja" -> "abdhj"}, {@code "March 3, 2021" -> "2021-03-03"}): read them with the
 * {@code CharacterTokenizer}, one token per character. Sources and targets hold no tab or line break.
 */
public interface SyntheticTask {

    /** The task's name on the command line: copy, reverse, sort, addition, dates. */
    String name();

    /** One example. */
    TaskExample sample(SplittableRandom random);
}
