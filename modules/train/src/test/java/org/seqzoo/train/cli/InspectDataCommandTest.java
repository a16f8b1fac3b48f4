package org.seqzoo.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seqzoo.data.vocab.Vocabulary;

class InspectDataCommandTest {

    @TempDir
    Path dir;

    private Path corpus(String name, String... lines) throws IOException {
        return Files.write(dir.resolve(name), List.of(lines), StandardCharsets.UTF_8);
    }

    @Test
    void printsCountsVocabulariesHistogramsSamplesAndSpeed() throws IOException {
        Path file = corpus("fr.tsv", "Go.\tVa !\tCC-BY 2.0", "Run!\tCours\u202F!", "I saw it.\tJe l’ai vu.",
                "Say please.\tDis : « s'il te plaît ».");
        CliRun run = CliRun.of("inspect-data", file.toString(), "--target-tokenizer", "words-fr", "--samples", "1",
                "--save-vocab", dir.resolve("v").toString());
        assertEquals(0, run.exit(), run.err());
        String out = run.out();
        assertTrue(out.contains("lines        4 read: 4 pairs, none skipped"), out);
        assertTrue(out.contains("tokens       source 11 (2.8 per pair, 9 distinct), target 18 (4.5 per pair, 16 distinct)"), out);
        assertTrue(out.contains("vocabulary   source 13, target 20"), out);
        assertTrue(out.contains("source length (tokens): min 2, median 2, 90% 4, 99% 4, max 4"), out);
        assertTrue(out.contains("    target  Va !"), out);
        assertTrue(out.contains("      9 | ####################                             1  25.0%"), out);
        assertTrue(out.contains("pairs/s"), out);
        assertTrue(out.contains("padding"), out);
        assertEquals(20, Vocabulary.load(dir.resolve("v.target.vocab")).size());
    }

    @Test
    void readsParallelFiles() throws IOException {
        Path source = corpus("p.src", "one", "two");
        Path target = corpus("p.tgt", "un", "deux");
        CliRun run = CliRun.of("inspect-data", source.toString(), target.toString(), "--shared-vocab");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("(parallel files)"), run.out());
        assertTrue(run.out().contains("vocabulary   shared 8"), run.out());
    }

    @Test
    void malformedLineIsOneLineNamingFileAndLine() throws IOException {
        Path file = corpus("bad.tsv", "a\tb", "no tab", "c\td");
        CliRun run = CliRun.of("inspect-data", file.toString());
        assertEquals(SeqzooCli.EXIT_USAGE, run.exit());
        assertTrue(run.error().matches("seqzoo: .*bad\\.tsv:2: no tab between source and target.*"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void skipPolicyReportsCountsByReason() throws IOException {
        Path file = corpus("bad.tsv", "a\tb", "no tab", "c\t", "d\te f g h", "", "x\ty");
        CliRun run = CliRun.of("inspect-data", file.toString(), "--skip-malformed", "--max-target-len", "3");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("lines        6 read: 2 pairs, 4 skipped (1 blank line, 1 no tab between source "
                + "and target, 1 empty target, 1 target longer than the token limit)"), run.out());
        // train's names work here too: --max-length limits both sides, --max-vocabulary, --batch.
        CliRun trainNames = CliRun.of("inspect-data", file.toString(), "--skip-malformed", "--max-length", "3",
                "--max-vocabulary", "10", "--batch", "2");
        assertEquals(0, trainNames.exit(), trainNames.err());
        assertTrue(trainNames.out().contains("1 target longer than the token limit"), trainNames.out());
    }

    @Test
    void badFilesAndArgumentsAreUsageErrors() throws IOException {
        CliRun missing = CliRun.of("inspect-data", dir.resolve("nope.tsv").toString());
        assertEquals(SeqzooCli.EXIT_USAGE, missing.exit());
        assertTrue(missing.error().endsWith("nope.tsv: no such file"), missing.err());

        Path file = corpus("ok.tsv", "a\tb");
        CliRun tokenizer = CliRun.of("inspect-data", file.toString(), "--tokenizer", "bpe");
        assertEquals(SeqzooCli.EXIT_USAGE, tokenizer.exit());
        assertTrue(tokenizer.error().contains("unknown tokenizer 'bpe' (choose words, words-fr, chars)"), tokenizer.err());

        CliRun batch = CliRun.of("inspect-data", file.toString(), "--batch-size", "0");
        assertEquals(SeqzooCli.EXIT_USAGE, batch.exit());
        assertTrue(batch.error().contains("out of range"), batch.err());

        CliRun empty = CliRun.of("inspect-data", corpus("blank.tsv", "", " ").toString());
        assertEquals(SeqzooCli.EXIT_USAGE, empty.exit());
        assertTrue(empty.error().contains("blank.tsv: no pairs"), empty.err());
    }
}
