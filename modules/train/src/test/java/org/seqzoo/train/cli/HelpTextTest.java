package org.seqzoo.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/**
 * Every command's {@code --help} renders cleanly: picocli reads descriptions as format strings and, when one does
 * not format (a bare {@code %}), prints a warning to {@code System.err} for each option line and shows the raw text.
 */
class HelpTextTest {

    @Test
    void everyCommandsHelpFormatsWithoutWarnings() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            CommandLine root = SeqzooCli.commandLine();
            assertFalse(root.getUsageMessage().isEmpty());
            root.getSubcommands().forEach((name, command) -> {
                CliRun run = CliRun.of(name, "--help");
                assertEquals(0, run.exit(), name + ": " + run.err());
                assertTrue(run.out().contains("Usage: seqzoo " + name), name + ": " + run.out());
            });
        } finally {
            System.setErr(original);
        }
        String warnings = captured.toString(StandardCharsets.UTF_8);
        assertFalse(warnings.contains("picocli WARN"), warnings);
    }

    @Test
    void trainHelpShowsThePercentOfTheValidationSplit() {
        assertTrue(CliRun.of("train", "--help").out().contains("default: 5% of"));
    }
}
