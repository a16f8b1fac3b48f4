package org.seqzoo.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a benchmark's {@link InterleavedTimer.Sample}s as CSV, one row per timed iteration: {@code work} (the
 * kind of work, e.g. {@code inference}), {@code model}, {@code round}, {@code iteration}, {@code start_ms} (since
 * that work's rounds began), {@code ms}, and {@code jit_ms} and {@code gc_ms}: the JIT compilation and garbage
 * collection the JVM reported during it. Model names are quoted (they contain commas).
 */
final class SampleCsv {

    static final String HEADER = "work,model,round,iteration,start_ms,ms,jit_ms,gc_ms";

    private SampleCsv() {
    }

    /** Writes the samples of each kind of work, in the map's order, to {@code file} (replacing it). */
    static void write(Path file, Map<String, InterleavedTimer.Timings> timingsByWork) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        timingsByWork.forEach((work, timings) -> {
            for (InterleavedTimer.Sample sample : timings.samples()) {
                csv.append(work).append(',').append(quoted(sample.model())).append(',')
                        .append(sample.round()).append(',').append(sample.iteration()).append(',')
                        .append(String.format(Locale.ROOT, "%.3f,%.3f,%d,%d", sample.startMs(), sample.ms(),
                                sample.compilationMs(), sample.collectionMs()))
                        .append('\n');
            }
        });
        try {
            Files.writeString(file, csv);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the samples to " + file + ": " + e.getMessage(), e);
        }
    }

    private static String quoted(String text) {
        return '"' + text.replace("\"", "\"\"") + '"';
    }
}
