package org.seqzoo.data.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.datavec.api.records.Record;
import org.datavec.api.records.metadata.RecordMetaData;
import org.datavec.api.records.metadata.RecordMetaDataLine;
import org.datavec.api.split.FileSplit;
import org.datavec.api.writable.Writable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seqzoo.data.CorpusReport;
import org.seqzoo.data.DataFileException;
import org.seqzoo.data.MalformedLinePolicy;
import org.seqzoo.data.SkipReason;

class PairRecordReaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private Path writeBytes(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static List<TextPair> readAll(PairRecordReader reader) {
        List<TextPair> pairs = new ArrayList<>();
        while (reader.hasNext()) {
            pairs.add(reader.nextPair());
        }
        reader.close();
        return pairs;
    }

    private static DataFileException failure(PairCorpus corpus) {
        return assertThrows(DataFileException.class, () -> readAll(corpus.open(MalformedLinePolicy.FAIL)));
    }

    @Test
    void readsTsvIgnoringExtraColumns() throws IOException {
        Path file = write("tatoeba.tsv", "Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272\r\n"
                + "Hi.\tSalut !\n");
        List<TextPair> pairs = readAll(PairCorpus.tsv(file).open(MalformedLinePolicy.FAIL));
        assertEquals(2, pairs.size());
        assertEquals(new TextPair("Go.", "Va !", pairs.get(0).sourceFile(), pairs.get(0).sourceFile(), 1), pairs.get(0));
        assertEquals("Salut !", pairs.get(1).target());
        assertEquals(2, pairs.get(1).line());
        assertTrue(pairs.get(0).sourceFile().endsWith("tatoeba.tsv"));
    }

    @Test
    void lineWithoutTabNamesFileAndLine() throws IOException {
        Path file = write("bad.tsv", "a\tb\nno tab here\nc\td\n");
        DataFileException e = failure(PairCorpus.tsv(file));
        assertTrue(e.getMessage().matches(".*bad\\.tsv:2: no tab between source and target.*"), e.getMessage());
        assertEquals(2, e.line().orElseThrow());
        assertEquals(SkipReason.NO_TAB, e.reason().orElseThrow());
    }

    @Test
    void emptySidesAreErrors() throws IOException {
        DataFileException source = failure(PairCorpus.tsv(write("s.tsv", "a\tb\n\u00A0 \tb\n")));
        assertEquals(SkipReason.EMPTY_SOURCE, source.reason().orElseThrow());
        assertTrue(source.getMessage().contains("s.tsv:2: empty source"), source.getMessage());
        DataFileException target = failure(PairCorpus.tsv(write("t.tsv", "a\tb\nc\td\ne\t\tattribution\n")));
        assertEquals(SkipReason.EMPTY_TARGET, target.reason().orElseThrow());
        assertTrue(target.getMessage().contains("t.tsv:3: empty target"), target.getMessage());
    }

    @Test
    void invalidUtf8NamesFileLineAndByte() throws IOException {
        byte[] bytes = "a\tb\nc\td\n".getBytes(StandardCharsets.UTF_8);
        byte[] latin1 = "caf\u00E9\tcoffee\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[bytes.length + latin1.length];
        System.arraycopy(bytes, 0, all, 0, bytes.length);
        System.arraycopy(latin1, 0, all, bytes.length, latin1.length);
        DataFileException e = failure(PairCorpus.tsv(writeBytes("latin1.tsv", all)));
        assertTrue(e.getMessage().contains("latin1.tsv:3: invalid UTF-8 at byte 4"), e.getMessage());
    }

    @Test
    void missingFileDirectoryAndUnreadableFileAreErrors() throws IOException {
        DataFileException missing = assertThrows(DataFileException.class,
                () -> PairCorpus.tsv(dir.resolve("nope.tsv")).open(MalformedLinePolicy.FAIL));
        assertTrue(missing.getMessage().endsWith("nope.tsv: no such file"), missing.getMessage());
        DataFileException directory = assertThrows(DataFileException.class,
                () -> PairCorpus.tsv(dir).open(MalformedLinePolicy.FAIL));
        assertTrue(directory.getMessage().contains("is a directory"), directory.getMessage());
        Path locked = write("locked.tsv", "a\tb\n");
        if (locked.toFile().setReadable(false) && !Files.isReadable(locked)) { // not when running as root
            DataFileException unreadable = assertThrows(DataFileException.class,
                    () -> PairCorpus.tsv(locked).open(MalformedLinePolicy.FAIL));
            assertTrue(unreadable.getMessage().endsWith("locked.tsv: permission denied"), unreadable.getMessage());
        }
    }

    @Test
    void skipPolicyCountsEveryReason() throws IOException {
        String content = "good\tbon\n"
                + "\n"                       // blank
                + "   \n"                    // blank
                + "no tab\n"
                + "\tmissing source\n"
                + "missing target\t \n"
                + "x".repeat(PairRecordReader.MAX_LINE_BYTES + 1) + "\ty\n"
                + "also good\taussi bon\n";
        byte[] text = content.getBytes(StandardCharsets.UTF_8);
        byte[] broken = {'b', (byte) 0xFF, '\t', 'c', '\n'};
        byte[] all = new byte[text.length + broken.length];
        System.arraycopy(text, 0, all, 0, text.length);
        System.arraycopy(broken, 0, all, text.length, broken.length);
        PairRecordReader reader = PairCorpus.tsv(writeBytes("mixed.tsv", all)).open(MalformedLinePolicy.SKIP);
        List<TextPair> pairs = readAll(reader);
        assertEquals(List.of("good", "also good"), pairs.stream().map(TextPair::source).toList());
        CorpusReport report = reader.report();
        assertEquals(9, report.linesRead());
        assertEquals(2, report.pairs());
        assertEquals(Map.of(SkipReason.BLANK_LINE, 2L, SkipReason.NO_TAB, 1L, SkipReason.EMPTY_SOURCE, 1L,
                SkipReason.EMPTY_TARGET, 1L, SkipReason.LINE_TOO_LONG, 1L, SkipReason.INVALID_UTF8, 1L),
                report.skipped());
        assertEquals(report.linesRead(), report.pairs() + report.skippedTotal());
        assertTrue(report.toString().contains("7 skipped (2 blank line, 1 no tab"), report.toString());
    }

    @Test
    void blankLinesAreCountedEvenWhenFailing() throws IOException {
        PairRecordReader reader = PairCorpus.tsv(write("trailing.tsv", "a\tb\n\n")).open(MalformedLinePolicy.FAIL);
        assertEquals(1, readAll(reader).size());
        assertEquals(1, reader.report().skipped(SkipReason.BLANK_LINE));
    }

    @Test
    void readsParallelFiles() throws IOException {
        Path source = write("train.src", "one\ntwo\n");
        Path target = write("train.tgt", "un\ndeux\n");
        List<TextPair> pairs = readAll(PairCorpus.parallel(source, target).open(MalformedLinePolicy.FAIL));
        assertEquals(List.of("one", "two"), pairs.stream().map(TextPair::source).toList());
        assertEquals(List.of("un", "deux"), pairs.stream().map(TextPair::target).toList());
        assertTrue(pairs.get(1).targetFile().endsWith("train.tgt"));
    }

    @Test
    void parallelFilesOfDifferentLengthNameTheLongerFileAndLine() throws IOException {
        Path source = write("x.src", "one\ntwo\nthree\n");
        Path target = write("x.tgt", "un\ndeux\n");
        DataFileException e = failure(PairCorpus.parallel(source, target));
        assertTrue(e.getMessage().contains("x.src:3: no partner line: "), e.getMessage());
        assertTrue(e.getMessage().contains("x.tgt ends after 2 lines"), e.getMessage());
        // under the skip policy too: nothing sensible to skip to
        assertThrows(DataFileException.class,
                () -> readAll(PairCorpus.parallel(target, source).open(MalformedLinePolicy.SKIP)));
    }

    @Test
    void parallelEmptyTargetNamesTheTargetFile() throws IOException {
        Path source = write("y.src", "one\ntwo\n");
        Path target = write("y.tgt", "un\n\n");
        DataFileException e = failure(PairCorpus.parallel(source, target));
        assertTrue(e.getMessage().contains("y.tgt:2: empty target"), e.getMessage());
    }

    @Test
    void worksThroughTheDataVecApi() throws Exception {
        Path file = write("d.tsv", "a\tA\nb\tB\n\nc\tC\n");
        PairRecordReader reader = new PairRecordReader(PairRecordReader.Layout.TSV, MalformedLinePolicy.FAIL);
        reader.initialize(new FileSplit(file.toFile()));
        List<Writable> first = reader.next();
        assertEquals("a", first.get(0).toString());
        assertEquals("A", first.get(1).toString());
        Record second = reader.nextRecord();
        assertEquals("B", second.getRecord().get(1).toString());
        RecordMetaDataLine meta = (RecordMetaDataLine) second.getMetaData();
        assertEquals(1, meta.getLineNumber()); // DataVec counts lines from 0
        Record third = reader.nextRecord();
        assertEquals(3, ((RecordMetaDataLine) third.getMetaData()).getLineNumber());
        assertFalse(reader.hasNext());

        List<Record> loaded = reader.loadFromMetaData(List.<RecordMetaData>of(third.getMetaData(), second.getMetaData()));
        assertEquals("c", loaded.get(0).getRecord().get(0).toString());
        assertEquals("b", loaded.get(1).getRecord().get(0).toString());

        reader.reset();
        assertEquals("a", reader.next().get(0).toString());
        reader.close();

        List<Writable> single = reader.record(file.toUri(),
                new DataInputStream(new ByteArrayInputStream("x\ty\tz\n".getBytes(StandardCharsets.UTF_8))));
        assertEquals("y", single.get(1).toString());
    }
}
