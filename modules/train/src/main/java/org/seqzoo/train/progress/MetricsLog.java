package org.seqzoo.train.progress;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;
import org.seqzoo.train.io.AtomicFiles;
import org.seqzoo.train.plots.MetricRecord;

/**
 * A run's metrics as JSON lines, one record per line:
 * {@code {"step":1200,"split":"valid","loss":1.234,"perplexity":3.43,"bleu":27.1}}. Appends, so a resumed run
 * continues its log ({@link #resume} first drops what it will write again); each line is flushed as it is
 * written, so a crash loses at most the line being written.
 * Non-finite values are written as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} and read
 * back as numbers.
 */
public final class MetricsLog implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter out;

    private MetricsLog(BufferedWriter out) {
        this.out = out;
    }

    /**
     * Opens {@code file} for appending, creating it and its parent directories if needed. If an earlier run
     * died in the middle of a line, new records start on a fresh line (the broken one stays, and
     * {@link #read} reports it).
     */
    public static MetricsLog append(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        boolean brokenLastLine = endsWithoutNewline(file);
        BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        if (brokenLastLine) {
            out.write('\n');
        }
        return new MetricsLog(out);
    }

    /**
     * Opens the log of a run resumed from its checkpoint at {@code step}: records after that step were written
     * before the interruption and are about to be written again, so they are dropped first (the file is
     * rewritten atomically, keeping the records up to {@code step} and dropping a broken last line), and every
     * step appears once.
     */
    public static MetricsLog resume(Path file, long step) throws IOException {
        if (Files.exists(file)) {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                try {
                    if (!line.isBlank() && parse(line).step() <= step) {
                        kept.add(line);
                    }
                } catch (JsonProcessingException | IllegalArgumentException e) {
                    // a line cut short by the interruption: not a record
                }
            }
            AtomicFiles.write(file, out -> {
                for (String line : kept) {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                }
            });
        }
        return append(file);
    }

    /** Appends one record as one line and flushes it. */
    public void write(MetricRecord record) throws IOException {
        ObjectNode line = JSON.createObjectNode();
        line.put("step", record.step());
        line.put("split", record.split());
        record.values().forEach(line::put);
        out.write(JSON.writeValueAsString(line));
        out.write('\n');
        out.flush();
    }

    /**
     * All records of a metrics log, in file order; blank lines are skipped.
     *
     * @throws IOException naming the file and line number of the first line that is not a record
     */
    public static List<MetricRecord> read(Path file) throws IOException {
        List<MetricRecord> records = new ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                records.add(parse(line));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                String reason = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
                throw new IOException(file + ":" + number + ": not a metrics record (" + reason + "): " + line, e);
            }
        }
        return records;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private static MetricRecord parse(String line) throws JsonProcessingException {
        JsonNode node = JSON.readTree(line);
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        JsonNode step = node.get("step");
        JsonNode split = node.get("split");
        if (step == null || !step.isIntegralNumber() || !step.canConvertToLong()) {
            throw new IllegalArgumentException("\"step\" must be an integer");
        }
        if (split == null || !split.isTextual()) {
            throw new IllegalArgumentException("\"split\" must be a string");
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().equals("step") && !field.getKey().equals("split")) {
                values.put(field.getKey(), number(field.getKey(), field.getValue()));
            }
        }
        return new MetricRecord(step.longValue(), split.textValue(), values);
    }

    private static double number(String name, JsonNode value) {
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isTextual()) {
            switch (value.textValue()) {
                case "NaN": return Double.NaN;
                case "Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                default: break;
            }
        }
        throw new IllegalArgumentException("\"" + name + "\" must be a number; got " + value);
    }

    private static boolean endsWithoutNewline(Path file) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ)) {
            if (channel.size() == 0) {
                return false;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.position(channel.size() - 1).read(last);
            return last.get(0) != '\n';
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}
