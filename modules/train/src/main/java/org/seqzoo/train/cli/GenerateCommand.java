package org.seqzoo.train.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import org.seqzoo.data.DataFileException;
import org.seqzoo.data.MalformedLinePolicy;
import org.seqzoo.data.corpus.PairCorpus;
import org.seqzoo.data.corpus.PairRecordReader;
import org.seqzoo.data.tasks.AdditionTask;
import org.seqzoo.data.tasks.DateTask;
import org.seqzoo.data.tasks.SequenceTask;
import org.seqzoo.data.tasks.SyntheticDataset;
import org.seqzoo.data.tasks.SyntheticTask;
import org.seqzoo.data.tasks.TaskExample;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code seqzoo generate TASK --out FILE}: writes a synthetic dataset ({@code source<TAB>target} per line)
 * of a seq2seq sanity task, deterministic by seed. The tasks are character-level: train on them with
 * {@code --tokenizer chars}.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Write a synthetic seq2seq dataset (source<TAB>target per line, character-level: read it "
                + "with --tokenizer chars). The same task, size and seed give the same file.")
final class GenerateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TASK", description = "copy, reverse, sort (a string of symbols: as is, "
            + "backwards, in alphabet order), addition (\"123+45\" -> \"168\") or dates (\"March 3, 2021\" -> \"2021-03-03\").")
    private String task;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write (replaced if it exists).")
    private Path out;

    @Option(names = "--size", paramLabel = "N", defaultValue = "1000", description = "Pairs to write (default ${DEFAULT-VALUE}).")
    private long size;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--min-len", paramLabel = "N", description = "copy/reverse/sort: fewest symbols (default "
            + SequenceTask.DEFAULT_MIN_LENGTH + "); addition: fewest digits per operand (default "
            + AdditionTask.DEFAULT_MIN_DIGITS + ").")
    private Integer minLength;

    @Option(names = "--max-len", paramLabel = "N", description = "copy/reverse/sort: most symbols (default "
            + SequenceTask.DEFAULT_MAX_LENGTH + "); addition: most digits per operand (default "
            + AdditionTask.DEFAULT_MAX_DIGITS + ", at most 18).")
    private Integer maxLength;

    @Option(names = "--alphabet", paramLabel = "SYMBOLS", description = "copy/reverse/sort: the symbols, in sort "
            + "order (default " + SequenceTask.DEFAULT_ALPHABET + ").")
    private String alphabet;

    @Option(names = "--from", paramLabel = "DATE", description = "dates: earliest date, YYYY-MM-DD (default 1950-01-01).")
    private LocalDate from;

    @Option(names = "--to", paramLabel = "DATE", description = "dates: latest date, YYYY-MM-DD (default 2049-12-31).")
    private LocalDate to;

    @Option(names = "--exclude", paramLabel = "FILE", description = "Draw again any example whose source is in this "
            + "corpus (repeatable): keeps validation and test files disjoint from the training file.")
    private List<Path> excluded = List.of();

    @Override
    public Integer call() {
        if (size < 1) {
            throw new ParameterException(spec.commandLine(), "--size must be at least 1, got " + size);
        }
        SyntheticTask syntheticTask = task();
        Set<String> excludedSources = new HashSet<>();
        try {
            for (Path file : excluded) {
                PairRecordReader reader = PairCorpus.tsv(file).open(MalformedLinePolicy.FAIL);
                while (reader.hasNext()) {
                    excludedSources.add(reader.nextPair().source());
                }
                reader.close();
            }
            SyntheticDataset.write(syntheticTask, size, seed, excludedSources, out);
        } catch (DataFileException | IllegalStateException e) {
            throw new UserError(e.getMessage(), e);
        }
        PrintWriter printer = spec.commandLine().getOut();
        printer.printf(Locale.ROOT, "wrote %,d pairs of %s (seed %d) to %s; read them with --tokenizer chars, e.g.%n",
                size, syntheticTask.name(), seed, DataFileException.displayName(out));
        SyntheticDataset.examples(syntheticTask, Math.min(size, 3), seed, excludedSources)
                .forEach((TaskExample e) -> printer.printf("  %s -> %s%n", e.source(), e.target()));
        return 0;
    }

    private SyntheticTask task() {
        String name = task.toLowerCase(Locale.ROOT);
        boolean sequence = name.equals("copy") || name.equals("reverse") || name.equals("sort");
        boolean dates = name.equals("dates");
        if (!sequence && !dates && !name.equals("addition")) {
            throw new ParameterException(spec.commandLine(), "unknown task '" + task
                    + "' (choose copy, reverse, sort, addition or dates)");
        }
        refuse(!sequence && alphabet != null, "--alphabet applies to copy, reverse and sort only");
        refuse(dates && (minLength != null || maxLength != null), "--min-len/--max-len do not apply to dates; use --from/--to");
        refuse(!dates && (from != null || to != null), "--from/--to apply to dates only");
        try {
            if (sequence) {
                return new SequenceTask(SequenceTask.Kind.valueOf(name.toUpperCase(Locale.ROOT)),
                        alphabet != null ? alphabet : SequenceTask.DEFAULT_ALPHABET,
                        minLength != null ? minLength : SequenceTask.DEFAULT_MIN_LENGTH,
                        maxLength != null ? maxLength : SequenceTask.DEFAULT_MAX_LENGTH);
            }
            if (dates) {
                DateTask defaults = DateTask.defaults();
                return new DateTask(from != null ? from : defaults.from(), to != null ? to : defaults.to());
            }
            return new AdditionTask(minLength != null ? minLength : AdditionTask.DEFAULT_MIN_DIGITS,
                    maxLength != null ? maxLength : AdditionTask.DEFAULT_MAX_DIGITS);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private void refuse(boolean condition, String message) {
        if (condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
