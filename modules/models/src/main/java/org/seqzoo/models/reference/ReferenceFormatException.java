package org.seqzoo.models.reference;

import java.nio.file.Path;

/** A reference case file that cannot be used: names the file and what is wrong with it. */
public class ReferenceFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ReferenceFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public ReferenceFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
