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
        CommandLine cli = new CommandLine(new BenchCli());
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("seqzoo bench: " + e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help'.");
            return 2;
        });
        System.exit(cli.execute(args));
    }
}
