package org.seqzoo.data.corpus;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.datavec.api.split.CollectionInputSplit;
import org.seqzoo.data.DataFileException;
import org.seqzoo.data.MalformedLinePolicy;

/**
 * Where a pair corpus lives (DESIGN.md, "Data conventions"): one TSV file ({@code source<TAB>target}, further
 * columns ignored) or a parallel pair of files ({@code train.src} / {@code train.tgt}). Opens initialised
 * {@link PairRecordReader}s, checking first that every file exists and is readable.
 *
 * @param layout TSV or parallel
 * @param files  the TSV file, or the source and target files
 */
public record PairCorpus(PairRecordReader.Layout layout, List<Path> files) {

    public PairCorpus {
        files = List.copyOf(files);
        int expected = layout == PairRecordReader.Layout.TSV ? 1 : 2;
        if (files.size() != expected) {
            throw new IllegalArgumentException(layout + " corpus needs " + expected + " file(s), got " + files);
        }
    }

    /** A TSV corpus: {@code source<TAB>target[<TAB>ignored...]} per line. */
    public static PairCorpus tsv(Path file) {
        return new PairCorpus(PairRecordReader.Layout.TSV, List.of(file));
    }

    /** A parallel corpus: line i of {@code source} pairs with line i of {@code target}. */
    public static PairCorpus parallel(Path source, Path target) {
        return new PairCorpus(PairRecordReader.Layout.PARALLEL, List.of(source, target));
    }

    /**
     * A reader positioned before the first pair.
     *
     * @throws DataFileException a file is missing, a directory or unreadable
     */
    public PairRecordReader open(MalformedLinePolicy policy) {
        checkReadable();
        PairRecordReader reader = new PairRecordReader(layout, policy);
        try {
            reader.initialize(new CollectionInputSplit(files.stream().map(Path::toUri).toArray(URI[]::new)));
        } catch (IOException e) {
            throw new DataFileException(toString(), "cannot open: " + DataFileException.describe(e), e);
        }
        return reader;
    }

    /**
     * Fails fast, before any reading, if a file is missing, a directory or unreadable.
     *
     * @throws DataFileException naming the file
     */
    public void checkReadable() {
        for (Path file : files) {
            String name = DataFileException.displayName(file);
            if (!Files.exists(file)) {
                throw new DataFileException(name, "no such file", null);
            }
            if (Files.isDirectory(file)) {
                throw new DataFileException(name, "is a directory, not a corpus file", null);
            }
            if (!Files.isReadable(file)) {
                throw new DataFileException(name, "permission denied", null);
            }
        }
    }

    /** {@code data/train.tsv} or {@code data/train.src + data/train.tgt}. */
    @Override
    public String toString() {
        return String.join(" + ", files.stream().map(DataFileException::displayName).toList());
    }
}
