package org.seqzoo.train.cli;

/** A problem the user can fix (argument, file, format): the CLI prints its message alone, no stack trace. */
public class UserError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
