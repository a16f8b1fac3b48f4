package org.seqzoo.data.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seqzoo.data.MalformedLinePolicy;
import org.seqzoo.data.corpus.PairCorpus;
import org.seqzoo.data.corpus.PairRecordReader;

class SyntheticTasksTest {

    @TempDir
    Path dir;

    private static List<TaskExample> examples(SyntheticTask task, int size, long seed) {
        return SyntheticDataset.examples(task, size, seed).toList();
    }

    @Test
    void deterministicBySeed() {
        for (SyntheticTask task : List.of(SequenceTask.of(SequenceTask.Kind.SORT), AdditionTask.defaults(),
                DateTask.defaults())) {
            assertEquals(examples(task, 200, 9), examples(task, 200, 9), task.name());
            assertNotEquals(examples(task, 200, 9), examples(task, 200, 10), task.name());
        }
    }

    @Test
    void sequenceTasksFollowTheirRule() {
        SequenceTask copy = new SequenceTask(SequenceTask.Kind.COPY, "xyz", 4, 6);
        SequenceTask reverse = new SequenceTask(SequenceTask.Kind.REVERSE, "abcdefghij", 1, 12);
        SequenceTask sort = new SequenceTask(SequenceTask.Kind.SORT, "zyx", 3, 3); // sort by alphabet order
        for (TaskExample e : examples(copy, 300, 1)) {
            assertEquals(e.source(), e.target());
            assertTrue(e.source().length() >= 4 && e.source().length() <= 6 && e.source().matches("[xyz]+"));
        }
        Set<Integer> lengths = new HashSet<>();
        for (TaskExample e : examples(reverse, 500, 1)) {
            assertEquals(new StringBuilder(e.source()).reverse().toString(), e.target());
            lengths.add(e.source().length());
        }
        assertEquals(12, lengths.size()); // every length of 1..12 drawn
        assertEquals(new TaskExample("yxz", "zyx"), new TaskExample("yxz", sortedByAlphabet("yxz", "zyx")));
        for (TaskExample e : examples(sort, 100, 1)) {
            assertEquals(sortedByAlphabet(e.source(), "zyx"), e.target());
        }
        assertEquals("sort", sort.name());
        assertThrows(IllegalArgumentException.class, () -> new SequenceTask(SequenceTask.Kind.COPY, "aa", 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new SequenceTask(SequenceTask.Kind.COPY, "a b", 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new SequenceTask(SequenceTask.Kind.COPY, "ab", 3, 2));
    }

    private static String sortedByAlphabet(String text, String alphabet) {
        return text.chars().boxed().sorted((a, b) -> alphabet.indexOf(a) - alphabet.indexOf(b))
                .map(c -> String.valueOf((char) c.intValue())).reduce("", String::concat);
    }

    @Test
    void additionSumsAreRight() {
        Set<Integer> digitCounts = new HashSet<>();
        for (TaskExample e : examples(new AdditionTask(1, 5), 2000, 4)) {
            String[] operands = e.source().split("\\+");
            assertEquals(2, operands.length, e.source());
            for (String operand : operands) {
                assertTrue(operand.equals("0") || !operand.startsWith("0"), e.source());
                digitCounts.add(operand.length());
            }
            assertEquals(Long.parseLong(operands[0]) + Long.parseLong(operands[1]), Long.parseLong(e.target()));
        }
        assertEquals(Set.of(1, 2, 3, 4, 5), digitCounts);
        assertEquals(new TaskExample("123+45", "168").target(), Long.toString(123 + 45));
    }

    @Test
    void datesParseBackToTheirIsoDateUnderEveryFormatThatReadsThem() {
        Set<String> shapes = new HashSet<>();
        for (TaskExample e : examples(DateTask.defaults(), 3000, 5)) {
            LocalDate date = LocalDate.parse(e.target());
            assertTrue(!date.isBefore(LocalDate.of(1950, 1, 1)) && !date.isAfter(LocalDate.of(2049, 12, 31)));
            int readers = 0;
            for (DateTimeFormatter format : DateTask.FORMATS) {
                try {
                    assertEquals(date, LocalDate.parse(e.source(), format), e.source());
                    readers++;
                } catch (DateTimeParseException notThisFormat) {
                    // another format wrote it
                }
            }
            assertTrue(readers >= 1, "no format reads " + e.source());
            shapes.add(e.source().replaceAll("[0-9]", "9").replaceAll("[A-Za-z]+", "A"));
        }
        assertTrue(shapes.size() >= 12, "formats seen: " + shapes);
        // the examples of the documentation
        LocalDate march3 = LocalDate.of(2021, 3, 3);
        List<String> written = DateTask.FORMATS.stream().map(f -> f.format(march3)).toList();
        assertTrue(written.containsAll(List.of("3 March 2021", "March 3, 2021", "03/03/2021", "3.3.21",
                "Wed, Mar 3 2021", "Wednesday, March 3, 2021", "March 3rd, 2021", "3rd of March 2021", "20210303")),
                written.toString());
    }

    @Test
    void twoDigitYearsOnlyInsideTheirCentury() {
        DateTask early = new DateTask(LocalDate.of(1900, 1, 1), LocalDate.of(1920, 12, 31));
        for (TaskExample e : examples(early, 500, 2)) {
            assertFalse(e.source().matches("\\d{1,2}[./]\\d{1,2}[./]\\d{2}"), e.source());
        }
    }

    @Test
    void excludedSourcesAreDrawnAgain() {
        SequenceTask small = new SequenceTask(SequenceTask.Kind.REVERSE, "ab", 1, 3); // 14 distinct sources
        Set<String> train = new HashSet<>();
        examples(small, 50, 1).forEach(e -> train.add(e.source()));
        List<TaskExample> test = SyntheticDataset.examples(small, 20, 2, Set.of("a", "b", "ab")).toList();
        assertEquals(20, test.size());
        assertTrue(test.stream().noneMatch(e -> Set.of("a", "b", "ab").contains(e.source())));
        assertEquals(test, SyntheticDataset.examples(small, 20, 2, Set.of("a", "b", "ab")).toList());
        Set<String> everything = new HashSet<>(train);
        everything.addAll(List.of("a", "b", "aa", "ab", "ba", "bb", "aaa", "aab", "aba", "abb", "baa", "bab", "bba", "bbb"));
        assertThrows(IllegalStateException.class, () -> SyntheticDataset.examples(small, 1, 3, everything).toList());
    }

    @Test
    void writtenFilesReadBackThroughTheCorpusReader() throws IOException {
        Path file = dir.resolve("nested/dates.tsv");
        SyntheticDataset.write(DateTask.defaults(), 100, 1, Set.of(), file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(100, lines.size());
        PairRecordReader reader = PairCorpus.tsv(file).open(MalformedLinePolicy.FAIL);
        int pairs = 0;
        while (reader.hasNext()) {
            TaskExample expected = examples(DateTask.defaults(), 100, 1).get(pairs);
            var pair = reader.nextPair();
            assertEquals(expected, new TaskExample(pair.source(), pair.target()));
            pairs++;
        }
        assertEquals(100, pairs);
    }
}
