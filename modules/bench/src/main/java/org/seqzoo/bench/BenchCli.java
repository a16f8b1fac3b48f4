package org.seqzoo.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./seqzoo bench ...}: benchmarks that print figures, each comparing seqzoo with a baseline in the
 * same run. Not timed unit tests: run them by hand on a quiet machine.
 */
@Command(name = "seqzoo bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print figures, side by side with a baseline.",
        subcommands = {RnnBench.class, DataPipelineBench.class, DecodeBench.class, CommandLine.HelpCommand.class})
public final class BenchCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with seqzoo's error handling: bad options and bad values found while running ({@code
     * IllegalArgumentException}, a file that cannot be written) print one line and exit with 2.
     */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new BenchCli());
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("seqzoo bench: " + e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help'.");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException) {
                commandLine.getErr().println("seqzoo bench: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }
}
