package org.seqzoo.data;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A problem in a data file (corpus, vocabulary) that the user can fix. The message names the file and, when
 * the problem is on a line, its 1-based number: {@code data/train.tsv:17: no tab between source and target}.
 * Unchecked, because DataVec's {@code RecordReader} and DL4J's iterators cannot throw checked exceptions.
 */
public class DataFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final long line;
    private final SkipReason reason;

    /** A problem on a line; {@code reason} says which skip reason it falls under, if any. */
    public DataFileException(String file, long line, SkipReason reason, String problem) {
        super(file + ":" + line + ": " + problem);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    /** A problem with a file as a whole (missing, unreadable). */
    public DataFileException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.line = 0;
        this.reason = null;
    }

    /** The file as shown to the user (relative to the working directory when it lies below it). */
    public String file() {
        return file;
    }

    /** The 1-based line number, if the problem is on a line. */
    public OptionalLong line() {
        return line > 0 ? OptionalLong.of(line) : OptionalLong.empty();
    }

    /** The skip reason of a malformed line (what a skip policy would have counted it as). */
    public Optional<SkipReason> reason() {
        return Optional.ofNullable(reason);
    }

    /**
     * An I/O failure in words: the operating system's reason ({@code Permission denied}, {@code Not a
     * directory}) where the exception carries one, else its type and message.
     */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f) {
            String what = f.getReason() != null ? f.getReason()
                    : f instanceof NoSuchFileException ? "no such file or directory"
                    : f instanceof AccessDeniedException ? "permission denied"
                    : f instanceof NotDirectoryException ? "not a directory"
                    : f.getClass().getSimpleName();
            return f.getFile() == null ? what : what + " (" + f.getFile() + ")";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** How error messages name a file: relative to the working directory when below it, else absolute. */
    public static String displayName(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path workingDirectory = Path.of("").toAbsolutePath();
        return absolute.startsWith(workingDirectory) && !absolute.equals(workingDirectory)
                ? workingDirectory.relativize(absolute).toString() : absolute.toString();
    }
}
