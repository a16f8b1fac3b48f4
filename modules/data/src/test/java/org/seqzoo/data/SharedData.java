package org.seqzoo.data;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The shared real data ({@code <project root>/../shared/datasets}, see its README): a missing file fails the
 * test on CI ({@code CI=true}) and skips it elsewhere.
 */
public final class SharedData {

    private SharedData() {
    }

    /** A file of the shared datasets folder. */
    public static Path dataset(String name) {
        String root = System.getProperty("seqzoo.root", System.getProperty("user.dir"));
        Path file = Path.of(root).resolve("../shared/datasets").resolve(name).normalize();
        if (!Files.isRegularFile(file)) {
            String message = "Shared dataset not found: " + file;
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
        return file;
    }
}
