package org.seqzoo.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seqzoo.models.seq2seq.Seq2SeqSpec;
import org.seqzoo.train.bundle.ModelBundle;

/**
 * The train, translate and evaluate commands end to end on the bundled reverse task (a few updates of a tiny
 * model: the point is the plumbing), and their one-line errors with a non-zero exit.
 */
class TrainTranslateEvaluateTest {

    private static String datasets() {
        return Path.of(System.getProperty("seqzoo.root", "../..")).resolve("datasets").toString();
    }

    @Test
    void trainThenTranslateAndEvaluate(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("run");
        CliRun train = CliRun.of("train", "--task", "reverse", "--steps", "20", "--valid-every", "10",
                "--checkpoint-every", "10", "--hidden", "16", "--embedding", "8", "--batch", "16",
                "--decode-limit", "20", "--lr-decay", "0.5", "--lr-decay-every", "10", "--out", out.toString(),
                "--quiet");
        assertEquals(0, train.exit(), train.err());
        Seq2SeqSpec trained = ModelBundle.load(out.resolve("model.zip")).spec();
        assertEquals(0.5, trained.learningRateDecay());
        assertEquals(10, trained.decaySteps());
        assertTrue(train.out().contains("validation: loss"), train.out());
        for (String file : new String[] {"model.zip", "curves.png", "metrics.jsonl", "attention.png"}) {
            assertTrue(Files.size(out.resolve(file)) > 0, file);
        }

        CliRun translate = CliRun.of("translate", out.resolve("model.zip").toString(), "abc", "hello",
                "--beam", "3", "--nbest", "2", "--attention-png", dir.resolve("a.png").toString());
        assertEquals(0, translate.exit(), translate.err());
        assertEquals(2 * 3, translate.out().lines().count(), translate.out());   // 2 candidates + blank, per sentence
        assertTrue(Files.size(dir.resolve("a.png")) > 0);

        CliRun evaluate = CliRun.of("evaluate", out.resolve("model.zip").toString(), "--test",
                Path.of(datasets(), "reverse", "test.tsv").toString(), "--decode-limit", "30");
        assertEquals(0, evaluate.exit(), evaluate.err());
        assertTrue(evaluate.out().contains("BLEU = ") && evaluate.out().contains("exact match"), evaluate.out());

        CliRun resume = CliRun.of("train", "--task", "reverse", "--steps", "30", "--out", out.toString(), "--resume",
                "--valid-every", "10", "--decode-limit", "10", "--quiet");
        assertEquals(0, resume.exit(), resume.err());
        assertTrue(resume.out().contains("trained 30 updates"), resume.out());
    }

    @Test
    void badArgumentsAndFilesGiveOneLineErrors(@TempDir Path dir) throws IOException {
        CliRun unknownTask = CliRun.of("train", "--task", "poetry");
        assertEquals(2, unknownTask.exit());
        assertTrue(unknownTask.error().contains("unknown task"), unknownTask.err());

        CliRun missing = CliRun.of("train", "--train", dir.resolve("none.tsv").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.error().contains("--train") && missing.error().contains("no such file"), missing.err());

        CliRun badDecay = CliRun.of("train", "--task", "reverse", "--lr-decay", "1.5", "--out",
                dir.resolve("d").toString());
        assertEquals(2, badDecay.exit());
        assertTrue(badDecay.error().contains("learning-rate decay must be in (0, 1]"), badDecay.err());

        CliRun badPreset = CliRun.of("train", "--task", "reverse", "--model", "transformer", "--out",
                dir.resolve("x").toString());
        assertEquals(2, badPreset.exit());
        assertTrue(badPreset.error().contains("unknown model preset"), badPreset.err());

        Path notBundle = dir.resolve("model.zip");
        Files.writeString(notBundle, "not a zip");
        CliRun translate = CliRun.of("translate", notBundle.toString(), "hi");
        assertEquals(2, translate.exit());
        assertTrue(translate.error().contains("not a seqzoo model bundle"), translate.err());
        assertEquals(1, translate.err().lines().count(), translate.err());

        CliRun beam = CliRun.of("translate", notBundle.toString(), "hi", "--beam", "2", "--nbest", "3");
        assertEquals(2, beam.exit());
        assertTrue(beam.error().contains("n-best"), beam.err());
    }
}
