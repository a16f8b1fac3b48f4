package org.seqzoo.train.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code seqzoo} command line: one subcommand per job. Errors a user can fix (bad argument, missing or
 * malformed file) print one line naming what and where, and exit non-zero; set {@code SEQZOO_DEBUG=1} for
 * stack traces.
 */
@Command(name = "seqzoo", mixinStandardHelpOptions = true, version = "seqzoo 0.1.0",
        description = "Recurrent sequence models (LSTM, GRU, attention seq2seq) for Deeplearning4j.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, TranslateCommand.class, ReferenceCheckCommand.class, InspectDataCommand.class, GenerateCommand.class, CommandLine.HelpCommand.class})
public final class SeqzooCli {

    /** Exit status for a failed check or job. */
    static final int EXIT_FAILURE = 1;
    /** Exit status for bad arguments or input a user can fix. */
    static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line without exiting the JVM; returns the exit status. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured picocli command line (also used by tests to capture output). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SeqzooCli());
        cli.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("seqzoo: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof UserError) {
                err.println("seqzoo: " + e.getMessage());
                return EXIT_USAGE;
            }
            err.println("seqzoo: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            if (System.getenv("SEQZOO_DEBUG") != null) {
                e.printStackTrace(err);
            } else {
                err.println("(set SEQZOO_DEBUG=1 for the stack trace)");
            }
            return EXIT_FAILURE;
        });
        return cli;
    }
}
