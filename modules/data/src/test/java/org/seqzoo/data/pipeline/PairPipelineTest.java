package org.seqzoo.data.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seqzoo.data.CorpusReport;
import org.seqzoo.data.DataFileException;
import org.seqzoo.data.MalformedLinePolicy;
import org.seqzoo.data.SkipReason;
import org.seqzoo.data.corpus.PairCorpus;

class PairPipelineTest {

    @TempDir
    Path dir;

    private Path write(String name, List<String> lines) throws IOException {
        return Files.write(dir.resolve(name), lines, StandardCharsets.UTF_8);
    }

    private static List<TokenPair> drain(PairPipeline.Pass pass) {
        List<TokenPair> pairs = new ArrayList<>();
        pass.forEachRemaining(pairs::add);
        return pairs;
    }

    @Test
    void tokenisesAndFiltersByLengthCountingWhatItSkips() throws IOException {
        Path file = write("c.tsv", List.of("a b\tA B", "a b c d\tA", "a\tA B C D E", "", "\u200B\tA", "x\ty"));
        PairPipeline pipeline = PairPipeline.builder(PairCorpus.tsv(file)).maxSourceTokens(3).maxTargetTokens(4)
                .onMalformedLine(MalformedLinePolicy.SKIP).build();
        try (PairPipeline.Pass pass = pipeline.open()) {
            List<TokenPair> pairs = drain(pass);
            assertEquals(List.of(List.of("a", "b"), List.of("x")), pairs.stream().map(TokenPair::source).toList());
            assertEquals(List.of("A", "B"), pairs.get(0).target());
            assertEquals(6, pairs.get(1).text().line());
            CorpusReport report = pass.report();
            assertEquals(6, report.linesRead());
            assertEquals(2, report.pairs());
            assertEquals(Map.of(SkipReason.SOURCE_TOO_LONG, 1L, SkipReason.TARGET_TOO_LONG, 1L,
                    SkipReason.BLANK_LINE, 1L, SkipReason.EMPTY_SOURCE, 1L), report.skipped());
        }
    }

    @Test
    void sideWithOnlyInvisibleCharactersIsMalformed() throws IOException {
        Path file = write("z.tsv", List.of("a\tb", "c\t\uFEFF\u200B"));
        PairPipeline pipeline = PairPipeline.builder(PairCorpus.tsv(file)).build();
        try (PairPipeline.Pass pass = pipeline.open()) {
            DataFileException e = assertThrows(DataFileException.class, () -> drain(pass));
            assertTrue(e.getMessage().contains("z.tsv:2: empty target after normalisation"), e.getMessage());
        }
    }

    private static Map<SplitPart, Set<String>> parts(PairPipeline pipeline) {
        Map<SplitPart, Set<String>> parts = new EnumMap<>(SplitPart.class);
        for (SplitPart part : SplitPart.values()) {
            try (PairPipeline.Pass pass = pipeline.withPart(part).open()) {
                Set<String> lines = new HashSet<>();
                pass.forEachRemaining(p -> lines.add(p.text().source() + "\t" + p.text().target()));
                parts.put(part, lines);
            }
        }
        return parts;
    }

    @Test
    void splitIsDeterministicDisjointAndIndependentOfOrder() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            lines.add("source " + i + "\ttarget " + i);
        }
        lines.add("source 7\tanother translation of source 7");
        DataSplit split = new DataSplit(0.1, 0.2, 7);
        PairPipeline forward = PairPipeline.builder(PairCorpus.tsv(write("f.tsv", lines)))
                .split(split, SplitPart.TRAIN).build();
        List<String> shuffled = new ArrayList<>(lines);
        Collections.shuffle(shuffled, new Random(1));
        PairPipeline backward = PairPipeline.builder(PairCorpus.tsv(write("b.tsv", shuffled)))
                .split(new DataSplit(0.1, 0.2, 7), SplitPart.TRAIN).build();

        Map<SplitPart, Set<String>> a = parts(forward);
        assertEquals(a, parts(backward));
        assertEquals(a, parts(forward)); // and again
        assertEquals(lines.size(), a.values().stream().mapToInt(Set::size).sum());
        assertEquals(0.1, a.get(SplitPart.VALID).size() / 3001.0, 0.02);
        assertEquals(0.2, a.get(SplitPart.TEST).size() / 3001.0, 0.02);
        SplitPart partOf7 = split.partOf("source 7");
        assertTrue(a.get(partOf7).contains("source 7\tanother translation of source 7"));
        assertTrue(a.get(partOf7).contains("source 7\ttarget 7"));

        try (PairPipeline.Pass pass = forward.open()) {
            drain(pass);
            CorpusReport report = pass.report();
            assertEquals(a.get(SplitPart.TRAIN).size(), report.pairs());
            assertEquals(lines.size() - report.pairs(), report.otherSplitParts());
        }
        Map<SplitPart, Set<String>> otherSeed = parts(PairPipeline.builder(PairCorpus.tsv(write("f.tsv", lines)))
                .split(new DataSplit(0.1, 0.2, 8), SplitPart.TRAIN).build());
        assertTrue(!otherSeed.equals(a));
    }

    @Test
    void histogramSummarisesLengths() {
        LengthHistogram histogram = new LengthHistogram();
        for (int length : new int[] {1, 2, 2, 3, 3, 3, 40}) {
            histogram.add(length);
        }
        assertEquals(7, histogram.total());
        assertEquals(54, histogram.sum());
        assertEquals(40, histogram.max());
        assertEquals(3, histogram.percentile(0.5));
        assertEquals(40, histogram.percentile(1.0));
        List<String> rows = histogram.render(10, 20);
        assertEquals(10, rows.size());
        assertTrue(rows.get(0).trim().startsWith("1-4 |"), rows.get(0));
        assertTrue(rows.get(0).contains("####################"), rows.get(0));
    }
}
