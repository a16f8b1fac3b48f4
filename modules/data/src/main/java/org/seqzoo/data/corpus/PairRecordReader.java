package org.seqzoo.data.corpus;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import org.datavec.api.conf.Configuration;
import org.datavec.api.records.Record;
import org.datavec.api.records.metadata.RecordMetaData;
import org.datavec.api.records.metadata.RecordMetaDataLine;
import org.datavec.api.records.reader.BaseRecordReader;
import org.datavec.api.split.InputSplit;
import org.datavec.api.writable.Text;
import org.datavec.api.writable.Writable;
import org.seqzoo.data.CorpusReport;
import org.seqzoo.data.DataFileException;
import org.seqzoo.data.MalformedLinePolicy;
import org.seqzoo.data.SkipReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DataVec {@code RecordReader} for pair corpora (DESIGN.md, "Data conventions"): each record is two
 * {@link Text} writables, {@code [source, target]}.
 * <ul>
 *   <li>{@link Layout#TSV}: one pair per line, {@code source<TAB>target}, further tab-separated columns (such
 *       as Tatoeba's attribution) ignored. The split may list several files; they are read in order.</li>
 *   <li>{@link Layout#PARALLEL}: the split lists exactly two files, source then target; line i of one pairs
 *       with line i of the other.</li>
 * </ul>
 * It streams (one line in memory at a time; lines longer than {@link #MAX_LINE_BYTES} are malformed), decodes
 * UTF-8 strictly ({@link Utf8LineReader}) and reports bad input by file and 1-based line: a missing file, a
 * line without a tab, an empty side, invalid UTF-8 or parallel files of different length is a
 * {@link DataFileException}; under {@link MalformedLinePolicy#SKIP} malformed lines are counted by
 * {@link SkipReason} instead ({@link #report()}) and the first few are logged. Blank lines are always
 * skipped and counted. Record metadata is a {@link RecordMetaDataLine} with DataVec's 0-based line number.
 *
 * <p>{@link #nextPair()} returns the pair as Java strings; seqzoo's pipeline uses it because DataVec's
 * {@code Text} stores UTF-8 bytes, and converting every line to bytes and back would cost throughput.
 * {@link PairCorpus} opens readers without DataVec's split classes.
 */
public final class PairRecordReader extends BaseRecordReader {

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(PairRecordReader.class);

    /** Longest line accepted, in bytes: 1 MiB. */
    public static final int MAX_LINE_BYTES = 1 << 20;
    /** Skipped lines logged one by one before the reader only counts them. */
    private static final int LOGGED_SKIPS = 10;

    /** How a corpus lays out its pairs. */
    public enum Layout {
        /** {@code source<TAB>target[<TAB>ignored...]}, one pair per line. */
        TSV,
        /** Two files, source and target, paired line by line. */
        PARALLEL
    }

    private final Layout layout;
    private final MalformedLinePolicy policy;
    private Configuration conf;

    private transient URI[] locations;
    private transient int fileIndex;
    private transient Utf8LineReader first;
    private transient Utf8LineReader second;
    private transient String firstName;
    private transient String secondName;
    private transient TextPair pending;
    private transient URI pendingLocation;
    private transient long linesRead;
    private transient long pairs;
    private transient long[] skipped;
    private transient int logged;

    public PairRecordReader(Layout layout, MalformedLinePolicy policy) {
        this.layout = layout;
        this.policy = policy;
    }

    public Layout layout() {
        return layout;
    }

    public MalformedLinePolicy policy() {
        return policy;
    }

    @Override
    public void initialize(InputSplit split) throws IOException {
        try {
            super.initialize(split);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while initialising the reader");
        }
        URI[] uris = split.locations();
        if (uris == null || uris.length == 0) {
            throw new IllegalArgumentException("The input split lists no files");
        }
        if (layout == Layout.PARALLEL && uris.length != 2) {
            throw new IllegalArgumentException("A parallel corpus needs exactly two files (source, target); the split lists "
                    + uris.length + ": " + Arrays.toString(uris));
        }
        closeReaders();
        locations = uris.clone();
        fileIndex = 0;
        pending = null;
        linesRead = 0;
        pairs = 0;
        skipped = new long[SkipReason.values().length];
        logged = 0;
        openFiles();
    }

    @Override
    public void initialize(Configuration conf, InputSplit split) throws IOException {
        this.conf = conf;
        initialize(split);
    }

    @Override
    public boolean hasNext() {
        checkInitialized();
        if (pending == null) {
            pending = advance();
        }
        return pending != null;
    }

    /** The next pair as strings (the fast path; {@link #next()} wraps it in DataVec writables). */
    public TextPair nextPair() {
        if (!hasNext()) {
            throw new NoSuchElementException("No more pairs in " + Arrays.toString(locations));
        }
        TextPair pair = pending;
        pending = null;
        pairs++;
        return pair;
    }

    @Override
    public List<Writable> next() {
        return writables(nextPair());
    }

    @Override
    public Record nextRecord() {
        URI location = hasNext() ? pendingLocation : null;
        TextPair pair = nextPair();
        return new org.datavec.api.records.impl.Record(writables(pair),
                new RecordMetaDataLine(Math.toIntExact(pair.line() - 1), location, PairRecordReader.class));
    }

    private List<Writable> writables(TextPair pair) {
        List<Writable> record = List.of(new Text(pair.source()), new Text(pair.target()));
        invokeListeners(record);
        return record;
    }

    /** Counts of the pass so far: lines read, pairs returned, lines skipped by reason. */
    public CorpusReport report() {
        Map<SkipReason, Long> counts = new EnumMap<>(SkipReason.class);
        for (SkipReason reason : SkipReason.values()) {
            counts.put(reason, skipped == null ? 0 : skipped[reason.ordinal()]);
        }
        return new CorpusReport(linesRead, pairs, 0, counts);
    }

    @Override
    public void reset() {
        checkInitialized();
        try {
            initialize(inputSplit);
        } catch (IOException e) {
            throw new DataFileException(Arrays.toString(locations), "cannot reopen: " + DataFileException.describe(e), e);
        }
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public void close() {
        closeReaders();
    }

    @Override
    public List<String> getLabels() {
        return null; // DataVec's convention for readers without class labels
    }

    @Override
    public void setConf(Configuration conf) {
        this.conf = conf;
    }

    @Override
    public Configuration getConf() {
        return conf;
    }

    /** Parses one TSV line from the stream (malformed input is an error here; there is nothing to skip to). */
    @Override
    public List<Writable> record(URI uri, DataInputStream dataInputStream) throws IOException {
        if (layout == Layout.PARALLEL) {
            throw new UnsupportedOperationException("A parallel corpus has no single-stream records: a pair spans two files");
        }
        String name = displayName(uri);
        Utf8LineReader reader = new Utf8LineReader(dataInputStream, MAX_LINE_BYTES);
        try {
            String line = reader.readLine();
            if (line == null) {
                throw new DataFileException(name, 1, SkipReason.BLANK_LINE, "no line to read");
            }
            TextPair pair = parseTsv(line, name, 1, MalformedLinePolicy.FAIL);
            if (pair == null) {
                throw new DataFileException(name, 1, SkipReason.BLANK_LINE, SkipReason.BLANK_LINE.description());
            }
            return writables(pair);
        } catch (Utf8LineReader.MalformedLineException e) {
            throw new DataFileException(name, 1, e.reason(), e.getMessage());
        }
    }

    @Override
    public Record loadFromMetaData(RecordMetaData recordMetaData) throws IOException {
        return loadFromMetaData(List.of(recordMetaData)).get(0);
    }

    /** Loads records by rescanning the corpus once (text files cannot seek to a line). */
    @Override
    public List<Record> loadFromMetaData(List<RecordMetaData> recordMetaDatas) throws IOException {
        checkInitialized();
        Map<String, List<Integer>> wanted = new HashMap<>();
        for (int i = 0; i < recordMetaDatas.size(); i++) {
            if (!(recordMetaDatas.get(i) instanceof RecordMetaDataLine meta)) {
                throw new IllegalArgumentException("Expected RecordMetaDataLine, got " + recordMetaDatas.get(i));
            }
            wanted.computeIfAbsent(meta.getURI() + "#" + meta.getLineNumber(), k -> new ArrayList<>()).add(i);
        }
        Record[] found = new Record[recordMetaDatas.size()];
        int remaining = wanted.size();
        PairRecordReader scan = new PairRecordReader(layout, policy);
        try {
            scan.initialize(inputSplit);
            while (remaining > 0 && scan.hasNext()) {
                Record record = scan.nextRecord();
                RecordMetaDataLine meta = (RecordMetaDataLine) record.getMetaData();
                List<Integer> indices = wanted.get(meta.getURI() + "#" + meta.getLineNumber());
                if (indices != null) {
                    indices.forEach(i -> found[i] = record);
                    remaining--;
                }
            }
        } finally {
            scan.close();
        }
        for (int i = 0; i < found.length; i++) {
            if (found[i] == null) {
                throw new IllegalArgumentException("No pair at " + recordMetaDatas.get(i).getLocation());
            }
        }
        return Arrays.asList(found);
    }

    private TextPair advance() {
        while (true) {
            if (first == null) {
                if (fileIndex + 1 >= locations.length || layout == Layout.PARALLEL) {
                    return null;
                }
                fileIndex++;
                openFiles();
            }
            TextPair pair = layout == Layout.TSV ? readTsv() : readParallel();
            if (pair != null) {
                pendingLocation = locations[fileIndex];
                return pair;
            }
        }
    }

    /** The next pair of the open TSV file, or null if the line was skipped or the file ended (then closed). */
    private TextPair readTsv() {
        String line;
        try {
            line = first.readLine();
        } catch (Utf8LineReader.MalformedLineException e) {
            linesRead++;
            reject(e.reason(), firstName, first.lineNumber(), e.getMessage());
            return null;
        } catch (IOException e) {
            throw readError(firstName, first.lineNumber() + 1, e);
        }
        if (line == null) {
            closeReaders();
            return null;
        }
        linesRead++;
        return parseTsv(line, firstName, first.lineNumber(), policy);
    }

    private TextPair parseTsv(String line, String file, long lineNumber, MalformedLinePolicy linePolicy) {
        int tab = line.indexOf('\t');
        if (tab < 0) {
            return reject(isBlank(line) ? SkipReason.BLANK_LINE : SkipReason.NO_TAB, file, lineNumber,
                    "no tab between source and target (expected source<TAB>target)", linePolicy);
        }
        int nextTab = line.indexOf('\t', tab + 1);
        String source = line.substring(0, tab);
        String target = line.substring(tab + 1, nextTab < 0 ? line.length() : nextTab);
        return checkSides(source, target, file, lineNumber, linePolicy);
    }

    /** The next line pair of the parallel files, or null if skipped or both ended; unequal lengths are an error. */
    private TextPair readParallel() {
        String source = null;
        String target = null;
        Utf8LineReader.MalformedLineException sourceProblem = null;
        Utf8LineReader.MalformedLineException targetProblem = null;
        try {
            try {
                source = first.readLine();
            } catch (Utf8LineReader.MalformedLineException e) {
                sourceProblem = e;
            }
            try {
                target = second.readLine();
            } catch (Utf8LineReader.MalformedLineException e) {
                targetProblem = e;
            }
        } catch (IOException e) {
            throw readError(firstName + " / " + secondName, first.lineNumber(), e);
        }
        boolean sourceEnded = source == null && sourceProblem == null;
        boolean targetEnded = target == null && targetProblem == null;
        if (sourceEnded && targetEnded) {
            closeReaders();
            return null;
        }
        if (sourceEnded || targetEnded) {
            String shorter = sourceEnded ? firstName : secondName;
            String longer = sourceEnded ? secondName : firstName;
            long longerLine = sourceEnded ? second.lineNumber() : first.lineNumber();
            throw new DataFileException(longer, longerLine, null, String.format(
                    "no partner line: %s ends after %d lines (parallel files must have the same number of lines)",
                    shorter, longerLine - 1));
        }
        linesRead++;
        if (sourceProblem != null) {
            return reject(sourceProblem.reason(), firstName, first.lineNumber(), sourceProblem.getMessage());
        }
        if (targetProblem != null) {
            return reject(targetProblem.reason(), secondName, second.lineNumber(), targetProblem.getMessage());
        }
        if (isBlank(source) && isBlank(target)) {
            return reject(SkipReason.BLANK_LINE, firstName, first.lineNumber(), SkipReason.BLANK_LINE.description());
        }
        return checkSides(source, target, firstName, first.lineNumber(), policy);
    }

    private TextPair checkSides(String source, String target, String file, long lineNumber,
            MalformedLinePolicy linePolicy) {
        if (isBlank(source)) {
            return reject(SkipReason.EMPTY_SOURCE, layout == Layout.PARALLEL ? firstName : file, lineNumber,
                    SkipReason.EMPTY_SOURCE.description(), linePolicy);
        }
        if (isBlank(target)) {
            return reject(SkipReason.EMPTY_TARGET, layout == Layout.PARALLEL ? secondName : file, lineNumber,
                    SkipReason.EMPTY_TARGET.description(), linePolicy);
        }
        return layout == Layout.TSV ? new TextPair(source, target, file, file, lineNumber)
                : new TextPair(source, target, firstName, secondName, lineNumber);
    }

    private TextPair reject(SkipReason reason, String file, long line, String detail) {
        return reject(reason, file, line, detail, policy);
    }

    /** Throws under FAIL (malformed reasons), else counts, logs the first few and returns null. */
    private TextPair reject(SkipReason reason, String file, long line, String detail, MalformedLinePolicy linePolicy) {
        if (reason.malformed() && linePolicy == MalformedLinePolicy.FAIL) {
            throw new DataFileException(file, line, reason, detail);
        }
        if (skipped != null) {
            skipped[reason.ordinal()]++;
        }
        if (reason.malformed() && logged < LOGGED_SKIPS) {
            logged++;
            log.warn("{}:{}: {}; skipped{}", file, line, detail,
                    logged == LOGGED_SKIPS ? " (further skipped lines are counted, not logged)" : "");
        }
        return null;
    }

    private void openFiles() {
        if (layout == Layout.TSV) {
            firstName = displayName(locations[fileIndex]);
            first = open(locations[fileIndex], firstName);
        } else {
            firstName = displayName(locations[0]);
            secondName = displayName(locations[1]);
            first = open(locations[0], firstName);
            try {
                second = open(locations[1], secondName);
            } catch (DataFileException e) {
                closeReaders();
                throw e;
            }
        }
    }

    private Utf8LineReader open(URI location, String name) {
        try {
            InputStream in;
            if ("file".equals(location.getScheme())) {
                Path path = Path.of(location);
                if (Files.isDirectory(path)) {
                    throw new DataFileException(name, "is a directory, not a corpus file", null);
                }
                in = Files.newInputStream(path);
            } else {
                in = streamCreatorFn.apply(location);
            }
            return new Utf8LineReader(in, MAX_LINE_BYTES);
        } catch (NoSuchFileException e) {
            throw new DataFileException(name, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new DataFileException(name, "permission denied", e);
        } catch (IOException e) {
            throw new DataFileException(name, "cannot open: " + DataFileException.describe(e), e);
        }
    }

    private static DataFileException readError(String file, long line, IOException e) {
        return new DataFileException(file, "read error near line " + line + ": " + DataFileException.describe(e), e);
    }

    private void closeReaders() {
        for (Utf8LineReader reader : new Utf8LineReader[] {first, second}) {
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException e) {
                    log.debug("Closing a corpus file failed", e);
                }
            }
        }
        first = null;
        second = null;
    }

    private void checkInitialized() {
        if (locations == null) {
            throw new IllegalStateException("PairRecordReader has not been initialized");
        }
    }

    private static String displayName(URI location) {
        return "file".equals(location.getScheme()) ? DataFileException.displayName(Path.of(location)) : location.toString();
    }

    /** True if the text is empty or only Unicode spacing (including no-break and thin spaces). */
    static boolean isBlank(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
                return false;
            }
        }
        return true;
    }
}
