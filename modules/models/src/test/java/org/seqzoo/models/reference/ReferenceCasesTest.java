package org.seqzoo.models.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Every case in {@code ../shared/reference/rnn/} reproduced by seqzoo's GRU, seqzoo's LSTM and DL4J's LSTM
 * (through the PyTorch weight import) to max abs error ≤ 1e-5. New files there are picked up without code
 * changes.
 */
class ReferenceCasesTest {

    @TestFactory
    Stream<DynamicTest> everyReferenceCaseIsReproduced() throws IOException {
        Path folder = referenceFolder();
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no *.json cases in " + folder);
        ReferenceCheck check = new ReferenceCheck(DataType.FLOAT);
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            ReferenceCheck.Result result = check.run(ReferenceCase.load(file));
            assertTrue(result.ok(), file + ": errors " + result.errors() + " exceed " + ReferenceCheck.TOLERANCE);
            // GRU: seqzoo's (y, h_n); LSTM: seqzoo's and DL4J's (y, h_n, c_n each).
            assertEquals(result.referenceCase().op() == ReferenceCase.Op.LSTM ? 6 : 2, result.errors().size(),
                    "every output compared: " + result.errors().keySet());
        }));
    }

    @Test
    void malformedFilesAreReportedWithFileAndField(@TempDir Path dir) throws IOException {
        Path notJson = dir.resolve("broken.json");
        Files.writeString(notJson, "{\"op\": \"GRU\",");
        ReferenceFormatException e1 = assertThrows(ReferenceFormatException.class, () -> ReferenceCase.load(notJson));
        assertTrue(e1.getMessage().startsWith(notJson.toString()) && e1.getMessage().contains("not valid JSON"),
                e1.getMessage());

        Path missingField = dir.resolve("missing.json");
        Files.writeString(missingField, "{\"op\": \"GRU\", \"reset_after\": true, \"input_size\": 2}");
        ReferenceFormatException e2 = assertThrows(ReferenceFormatException.class,
                () -> ReferenceCase.load(missingField));
        assertTrue(e2.getMessage().contains("missing field 'hidden_size'"), e2.getMessage());

        Path badOp = dir.resolve("op.json");
        Files.writeString(badOp, "{\"op\": \"RNN\"}");
        assertTrue(assertThrows(ReferenceFormatException.class, () -> ReferenceCase.load(badOp)).getMessage()
                .contains("'op' must be \"GRU\" or \"LSTM\""));

        Path missingFile = dir.resolve("absent.json");
        assertTrue(assertThrows(ReferenceFormatException.class, () -> ReferenceCase.load(missingFile)).getMessage()
                .contains("cannot read"));
    }

    @Test
    void wrongShapeNamesTheArray(@TempDir Path dir) throws IOException {
        Path original = referenceFolder().resolve("gru_small.json");
        Assumptions.assumeTrue(Files.exists(original), "gru_small.json not in the reference folder");
        String json = Files.readString(original).replaceFirst("\"shape\": \\[2, 3, 4\\]", "\"shape\": [2, 4, 3]");
        Path edited = dir.resolve("edited.json");
        Files.writeString(edited, json);
        ReferenceFormatException e = assertThrows(ReferenceFormatException.class, () -> ReferenceCase.load(edited));
        assertTrue(e.getMessage().contains("'inputs.x' has shape [2, 4, 3], expected [2, 3, 4]"), e.getMessage());
    }

    /**
     * {@code ../shared/reference/rnn} beside the project root; a missing folder fails under CI and skips
     * elsewhere.
     */
    static Path referenceFolder() {
        Path root = Path.of(System.getProperty("seqzoo.root", "../..")).toAbsolutePath().normalize();
        Path folder = root.resolveSibling("shared").resolve("reference").resolve("rnn");
        if (!Files.isDirectory(folder)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("reference folder missing under CI: " + folder);
            }
            Assumptions.abort("reference folder not found, skipping: " + folder);
        }
        return folder;
    }
}
