package org.seqzoo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SampleCsv}: a header, one row per sample in order with its kind of work, model names quoted (they hold
 * commas and may hold quotes), and a clear error naming the file when it cannot be written.
 */
class SampleCsvTest {

    @TempDir
    Path directory;

    @Test
    void writesOneQuotedRowPerSample() throws Exception {
        Map<String, InterleavedTimer.Timings> byWork = new LinkedHashMap<>();
        byWork.put("training", new InterleavedTimer.Timings(Map.of(), List.of(
                new InterleavedTimer.Sample("seqzoo GRU, OpenBLAS", 0, 1, 12.5, 33.25, 140, 4)), 5));
        byWork.put("inference", new InterleavedTimer.Timings(Map.of(), List.of(
                new InterleavedTimer.Sample("a \"quoted\" name", 2, 0, 0.0, 7.0004, 0, 0),
                new InterleavedTimer.Sample("PyTorch LSTM", 2, 1, 7.5, 9.1, 0, 0)), 5));
        Path file = directory.resolve("samples.csv");
        SampleCsv.write(file, byWork);

        assertEquals(List.of(SampleCsv.HEADER,
                "training,\"seqzoo GRU, OpenBLAS\",0,1,12.500,33.250,140,4",
                "inference,\"a \"\"quoted\"\" name\",2,0,0.000,7.000,0,0",
                "inference,\"PyTorch LSTM\",2,1,7.500,9.100,0,0"), Files.readAllLines(file));
    }

    @Test
    void namesTheFileItCannotWrite() {
        Path file = directory.resolve("missing").resolve("samples.csv");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> SampleCsv.write(file, Map.of()));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
