package org.seqzoo.train.bundle;

import java.nio.file.Path;

/** A model bundle that cannot be written or used: names the file and what is wrong. */
public class BundleException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BundleException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public BundleException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
