package org.seqzoo.train.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The synthetic datasets bundled in the project's {@code datasets/} folder (see datasets/README.md): found under
 * the directory the launcher passes as {@code -Dseqzoo.home}, else the working directory.
 */
final class BundledTasks {

    static final List<String> NAMES = List.of("copy", "reverse", "sort", "addition", "dates");

    private BundledTasks() {
    }

    /** {@code datasets/TASK/PART.tsv}; an unknown task or missing file is a one-line error. */
    static Path file(String task, String part) {
        if (!NAMES.contains(task)) {
            throw new UserError("--task " + task + ": unknown task (bundled tasks: " + String.join(", ", NAMES) + ")");
        }
        Path home = Path.of(System.getProperty("seqzoo.home", "."));
        Path file = home.resolve("datasets").resolve(task).resolve(part + ".tsv");
        if (!Files.isRegularFile(file)) {
            throw new UserError("bundled dataset " + file + " not found (run from the seqzoo directory, or use "
                    + "--train/--valid; `./seqzoo generate " + task + " --out FILE` makes one)");
        }
        return file;
    }
}
