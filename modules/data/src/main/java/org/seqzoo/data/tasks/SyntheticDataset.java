package org.seqzoo.data.tasks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.seqzoo.data.DataFileException;

/**
 * A dataset of a {@link SyntheticTask}: {@code size} examples drawn with one {@link SplittableRandom} seeded
 * with {@code seed} (the same task, size, seed and exclusions give the same examples on every machine),
 * written in the corpus format, {@code source<TAB>target} per line, UTF-8, so that examples go through the
 * real reading path. Draws are independent, so a file may repeat an example; examples whose source is in
 * {@code excludedSources} (say, the training file's, when writing a test file) are drawn again.
 */
public final class SyntheticDataset {

    /** Consecutive excluded draws after which the task is deemed exhausted. */
    private static final int MAX_REDRAWS = 100_000;

    private SyntheticDataset() {
    }

    /**
     * The examples, lazily.
     *
     * @throws IllegalStateException (while streaming) the task has too few sources outside the exclusions
     */
    public static Stream<TaskExample> examples(SyntheticTask task, long size, long seed, Set<String> excludedSources) {
        SplittableRandom random = new SplittableRandom(seed);
        Iterator<TaskExample> draws = new Iterator<>() {
            private long produced;

            @Override
            public boolean hasNext() {
                return produced < size;
            }

            @Override
            public TaskExample next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                for (int redraws = 0; redraws < MAX_REDRAWS; redraws++) {
                    TaskExample example = task.sample(random);
                    if (!excludedSources.contains(example.source())) {
                        produced++;
                        return example;
                    }
                }
                throw new IllegalStateException("Task " + task.name() + " has too few examples outside the "
                        + excludedSources.size() + " excluded sources: " + MAX_REDRAWS + " draws in a row were excluded");
            }
        };
        return StreamSupport.stream(Spliterators.spliterator(draws, size, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** The examples, lazily, none excluded. */
    public static Stream<TaskExample> examples(SyntheticTask task, long size, long seed) {
        return examples(task, size, seed, Set.of());
    }

    /**
     * Writes the examples to {@code file} (parent directories created, an existing file replaced).
     *
     * @throws DataFileException the file cannot be written
     */
    public static void write(SyntheticTask task, long size, long seed, Set<String> excludedSources, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                    Stream<TaskExample> examples = examples(task, size, seed, excludedSources)) {
                for (TaskExample example : (Iterable<TaskExample>) examples::iterator) {
                    out.write(example.source());
                    out.write('\t');
                    out.write(example.target());
                    out.write('\n');
                }
            }
        } catch (IOException e) {
            throw new DataFileException(DataFileException.displayName(file), "cannot write: " + DataFileException.describe(e), e);
        }
    }
}
