package dev.orbit.datasets.io;

import java.io.IOException;

/**
 * A file that does not hold what its format requires: a bad magic number, a header that claims more
 * (or less) data than the file holds, offsets outside the file, an unsupported dtype.
 *
 * <p>The message is one sentence naming the file and what was expected, fit to show a user as is.
 */
public class MalformedFileException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one sentence naming the file and what was expected
     */
    public MalformedFileException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the lower-level cause (a JSON or zip parse error).
     *
     * @param message one sentence naming the file and what was expected
     * @param cause the lower-level error
     */
    public MalformedFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
