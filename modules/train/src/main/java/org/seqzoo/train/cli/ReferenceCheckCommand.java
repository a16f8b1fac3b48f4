package org.seqzoo.train.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.nd4j.linalg.api.buffer.DataType;
import org.seqzoo.models.reference.ReferenceCase;
import org.seqzoo.models.reference.ReferenceCheck;
import org.seqzoo.models.reference.ReferenceFormatException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code seqzoo reference-check FILE...}: reproduces reference test vectors (PyTorch / ONNX, format in
 * {@code shared/reference/README.md}) with seqzoo's cells and prints one line per file:
 * {@code FILE max_abs_error=<value> ok} or {@code ... FAIL}. A malformed file gets a one-line error naming
 * the file and the problem and counts as a failure; the exit status is non-zero if any file fails.
 */
@Command(name = "reference-check", mixinStandardHelpOptions = true,
        description = "Compare seqzoo's GRU and DL4J's LSTM (with imported PyTorch weights) with reference "
                + "test vectors. A directory argument checks every *.json file in it.")
final class ReferenceCheckCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Reference case files (JSON) or directories.")
    private List<Path> inputs;

    @Option(names = "--double", description = "Run the cells in float64 instead of float32.")
    private boolean doublePrecision;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ReferenceCheck check = new ReferenceCheck(doublePrecision ? DataType.DOUBLE : DataType.FLOAT);
        int failures = 0;
        for (Path file : expand(inputs)) {
            try {
                ReferenceCheck.Result result = check.run(ReferenceCase.load(file));
                out.printf("%s max_abs_error=%.3e %s%n", file, result.maxAbsError(), result.ok() ? "ok" : "FAIL");
                if (!result.ok()) {
                    failures++;
                    out.printf("  errors per output: %s (tolerance %.0e)%n", result.errors(), ReferenceCheck.TOLERANCE);
                }
            } catch (ReferenceFormatException | IllegalArgumentException e) {
                err.println("seqzoo: " + e.getMessage());
                out.printf("%s FAIL (unusable file)%n", file);
                failures++;
            }
            out.flush();
        }
        return failures == 0 ? 0 : SeqzooCli.EXIT_FAILURE;
    }

    private static List<Path> expand(List<Path> inputs) {
        List<Path> files = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try (Stream<Path> listing = Files.list(input)) {
                    List<Path> cases = listing.filter(p -> p.toString().endsWith(".json")).sorted().toList();
                    if (cases.isEmpty()) {
                        throw new UserError(input + ": directory holds no *.json reference cases");
                    }
                    files.addAll(cases);
                } catch (IOException e) {
                    throw new UserError(input + ": cannot list directory: " + e.getMessage(), e);
                }
            } else {
                files.add(input);
            }
        }
        return files;
    }
}
