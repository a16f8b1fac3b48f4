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

class GenerateCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesTheSameFileForTheSameSeed() throws IOException {
        Path a = dir.resolve("a/addition.tsv");
        Path b = dir.resolve("b.tsv");
        CliRun run = CliRun.of("generate", "addition", "--out", a.toString(), "--size", "50", "--seed", "7",
                "--min-len", "2", "--max-len", "4");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("wrote 50 pairs of addition (seed 7)"), run.out());
        assertEquals(0, CliRun.of("generate", "ADDITION", "--out", b.toString(), "--size", "50", "--seed", "7",
                "--min-len", "2", "--max-len", "4").exit());
        List<String> lines = Files.readAllLines(a, StandardCharsets.UTF_8);
        assertEquals(50, lines.size());
        assertEquals(lines, Files.readAllLines(b, StandardCharsets.UTF_8));
        for (String line : lines) {
            String[] columns = line.split("\t");
            String[] operands = columns[0].split("\\+");
            assertEquals(Long.parseLong(operands[0]) + Long.parseLong(operands[1]), Long.parseLong(columns[1]));
        }
    }

    @Test
    void excludesTheSourcesOfOtherFiles() throws IOException {
        Path train = dir.resolve("train.tsv");
        Path test = dir.resolve("test.tsv");
        assertEquals(0, CliRun.of("generate", "reverse", "--out", train.toString(), "--size", "300", "--max-len", "4").exit());
        CliRun run = CliRun.of("generate", "reverse", "--out", test.toString(), "--size", "100", "--seed", "2",
                "--max-len", "4", "--exclude", train.toString());
        assertEquals(0, run.exit(), run.err());
        List<String> trainSources = Files.readAllLines(train).stream().map(l -> l.split("\t")[0]).toList();
        assertTrue(Files.readAllLines(test).stream().map(l -> l.split("\t")[0]).noneMatch(trainSources::contains));
    }

    @Test
    void badArgumentsAreUsageErrors() {
        String out = dir.resolve("x.tsv").toString();
        assertUsage(CliRun.of("generate", "poems", "--out", out), "unknown task 'poems'");
        assertUsage(CliRun.of("generate", "dates", "--out", out, "--min-len", "3"), "do not apply to dates");
        assertUsage(CliRun.of("generate", "addition", "--out", out, "--alphabet", "xyz"), "--alphabet applies to");
        assertUsage(CliRun.of("generate", "copy", "--out", out, "--from", "2000-01-01"), "--from/--to apply to dates");
        assertUsage(CliRun.of("generate", "copy", "--out", out, "--size", "0"), "--size must be at least 1");
        assertUsage(CliRun.of("generate", "sort", "--out", out, "--alphabet", "aa"), "repeats a symbol");
        assertUsage(CliRun.of("generate", "dates", "--out", out, "--from", "2020-02-30"), "'2020-02-30'");
        assertUsage(CliRun.of("generate", "copy"), "Missing required option: '--out=FILE'");
        assertUsage(CliRun.of("generate", "copy", "--out", out, "--exclude", dir.resolve("none.tsv").toString()),
                "none.tsv: no such file");
    }

    private static void assertUsage(CliRun run, String message) {
        assertEquals(SeqzooCli.EXIT_USAGE, run.exit(), run.out());
        assertTrue(run.error().startsWith("seqzoo: ") && run.error().contains(message), run.err());
    }
}
