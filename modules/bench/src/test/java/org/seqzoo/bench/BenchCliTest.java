package org.seqzoo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Bad values for {@code seqzoo bench rnn} end the run at once with one line naming the option (exit code 2),
 * before any measuring or model building: an {@code --only} that matches no model (the line lists the models)
 * a {@code --samples} file in a directory that does not exist, and more warm-up rounds than the timer allows.
 */
class BenchCliTest {

    @Test
    void onlyMatchingNoModelSaysWhichModelsThereAre() {
        String[] result = run("rnn", "--only", "no such model");
        assertEquals("2", result[0]);
        assertTrue(result[1].startsWith("seqzoo bench: --only 'no such model' matches no model; the models are: "
                + "seqzoo GRU; "), result[1]);
        assertTrue(result[1].contains("PyTorch LSTM"), result[1]);
    }

    @Test
    void samplesInAMissingDirectoryIsRefusedBeforeMeasuring() {
        String[] result = run("rnn", "--only", "seqzoo LSTM", "--samples", "/no/such/directory/samples.csv");
        assertEquals("2", result[0]);
        assertTrue(result[1].contains("--samples: cannot write /no/such/directory/samples.csv"), result[1]);
    }

    @Test
    void tooManyWarmupRoundsAreRefusedBeforeMeasuring() {
        String[] result = run("rnn", "--only", "seqzoo LSTM", "--warmup", "41");
        assertEquals("2", result[0]);
        assertTrue(result[1].contains("need 0 <= warmup <= 40"), result[1]);
    }

    /** Exit code and error output of {@code seqzoo bench args}. */
    private static String[] run(String... args) {
        CommandLine cli = BenchCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new String[] {String.valueOf(code), err.toString()};
    }
}
