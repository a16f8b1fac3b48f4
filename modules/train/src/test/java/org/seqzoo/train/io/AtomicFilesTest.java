package org.seqzoo.train.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<Path> files() throws IOException {
        return files(dir);
    }

    private static List<Path> files(Path directory) throws IOException {
        try (var listing = Files.list(directory)) {
            return listing.sorted().toList();
        }
    }

    @Test
    void writesNewFileAndCreatesParents() throws IOException {
        Path target = dir.resolve("run/checkpoints/latest.bin");
        AtomicFiles.write(target, out -> out.write("hello".getBytes(StandardCharsets.UTF_8)));
        assertEquals("hello", Files.readString(target));
        assertEquals(List.of(target), files(target.getParent()));
    }

    @Test
    void newFileHasTheUsualPermissionsNotThoseOfATemporaryFile() throws IOException {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.createFile(dir.resolve("plain"));
        Path atomic = dir.resolve("atomic");
        AtomicFiles.write(atomic, out -> out.write(1));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic));
    }

    @Test
    void replacesExistingContent() throws IOException {
        Path target = dir.resolve("model.zip");
        Files.writeString(target, "old");
        AtomicFiles.write(target, out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {   // closing the zip must not break the write
                zip.putNextEntry(new ZipEntry("a.txt"));
                zip.write(new byte[] {1, 2, 3});
            }
        });
        byte[] content = Files.readAllBytes(target);
        assertArrayEquals(new byte[] {'P', 'K'}, new byte[] {content[0], content[1]});
        assertEquals(List.of(target), files());
    }

    @Test
    void writerThatFailsHalfwayLeavesOldContentAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("latest.ckpt");
        Files.writeString(target, "previous checkpoint");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk full halfway");
        }));
        assertEquals("disk full halfway", thrown.getMessage());
        assertEquals("previous checkpoint", Files.readString(target));
        assertEquals(List.of(target), files());

        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(1);
            throw new UncheckedIOException(new IOException("unchecked"));
        }));
        assertEquals("previous checkpoint", Files.readString(target));
        assertEquals(List.of(target), files());
    }

    @Test
    void targetThatIsADirectoryFailsCleanly() throws IOException {
        Path target = Files.createDirectory(dir.resolve("taken"));
        Files.writeString(target.resolve("inside"), "x");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> out.write(1)));
        assertEquals(List.of(target), files());
    }
}
