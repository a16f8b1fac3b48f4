package org.seqzoo.train.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seqzoo.train.plots.MetricRecord;

class MetricsLogTest {

    @TempDir
    Path dir;

    private static MetricRecord record(long step, String split, Object... namesAndValues) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put((String) namesAndValues[i], (Double) namesAndValues[i + 1]);
        }
        return new MetricRecord(step, split, values);
    }

    @Test
    void writesOneJsonObjectPerLineAndReadsItBack() throws IOException {
        Path file = dir.resolve("run/metrics.jsonl");
        List<MetricRecord> records = List.of(
                record(100, "train", "loss", 2.5, "perplexity", 12.18),
                record(100, "valid", "loss", 2.75, "bleu", 3.1, "exact match", 0.0),
                record(200, "train", "loss", Double.NaN, "grad norm", Double.POSITIVE_INFINITY));
        try (MetricsLog log = MetricsLog.append(file)) {
            for (MetricRecord r : records) {
                log.write(r);
            }
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals("{\"step\":100,\"split\":\"train\",\"loss\":2.5,\"perplexity\":12.18}", lines.get(0));
        assertEquals(3, lines.size());
        List<MetricRecord> read = MetricsLog.read(file);
        assertEquals(records.subList(0, 2), read.subList(0, 2));
        assertTrue(read.get(2).values().get("loss").isNaN());
        assertEquals(List.of("loss", "grad norm"), List.copyOf(read.get(2).values().keySet()));
    }

    @Test
    void appendingContinuesTheLogEvenAfterABrokenLastLine() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.append(file)) {
            log.write(record(1, "train", "loss", 3.0));
        }
        Files.writeString(file, "{\"step\":2,\"spl", java.nio.file.StandardOpenOption.APPEND);   // crash mid-line
        try (MetricsLog log = MetricsLog.append(file)) {
            log.write(record(3, "train", "loss", 1.0));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size());
        assertEquals("{\"step\":3,\"split\":\"train\",\"loss\":1.0}", lines.get(2));
        IOException error = assertThrows(IOException.class, () -> MetricsLog.read(file));
        assertTrue(error.getMessage().startsWith(file + ":2: not a metrics record"), error.getMessage());
    }

    @Test
    void resumingDropsTheRecordsAfterTheCheckpointSoEachStepAppearsOnce() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.append(file)) {
            for (long step = 1; step <= 5; step++) {
                log.write(record(step, "train", "loss", 1.0 / step));
            }
        }
        Files.writeString(file, "{\"step\":6,\"spl", java.nio.file.StandardOpenOption.APPEND);   // crash mid-line
        try (MetricsLog log = MetricsLog.resume(file, 3)) {
            log.write(record(4, "train", "loss", 0.2));
        }
        List<MetricRecord> records = MetricsLog.read(file);
        assertEquals(List.of(1L, 2L, 3L, 4L), records.stream().map(MetricRecord::step).toList());
        assertEquals(0.2, records.get(3).values().get("loss"));
    }

    @Test
    void badLinesAreReportedWithTheirLineNumber() throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"step\":1,\"split\":\"train\",\"loss\":1.0}\n\n{\"step\":2,\"split\":\"train\",\"loss\":\"low\"}\n");
        IOException error = assertThrows(IOException.class, () -> MetricsLog.read(file));
        assertTrue(error.getMessage().startsWith(file + ":3: ") && error.getMessage().contains("\"loss\" must be a number"),
                error.getMessage());

        Files.writeString(file, "{\"split\":\"train\"}\n");
        assertTrue(assertThrows(IOException.class, () -> MetricsLog.read(file)).getMessage().contains(":1: "));
    }

    @Test
    void reservedOrMissingNamesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> record(1, "train", "step", 1.0));
        assertThrows(IllegalArgumentException.class, () -> record(1, " ", "loss", 1.0));
    }
}
