package dev.orbit.zoo.format;

import java.io.IOException;

/**
 * A zoo folder that cannot be used as asked: a corrupt or truncated file, a manifest written by a
 * newer Orbit, or a folder that holds a different zoo. The message is one sentence naming the file
 * and what was expected, fit to show a user as is.
 */
public class ZooFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Why the folder was refused. */
    public enum Reason {
        /** A file is missing, truncated, fails its checksum or has unexpected content. */
        CORRUPT,
        /** The manifest's format version is newer than this Orbit reads. */
        NEWER_VERSION,
        /** The folder holds a zoo with another spec, dataset, seed or recipe. */
        DIFFERENT_ZOO,
        /** The folder is not a zoo (no manifest) or is in use by another writer. */
        NOT_A_ZOO
    }

    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason why the folder was refused
     * @param message one sentence naming the file and what was expected
     */
    public ZooFormatException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /**
     * Creates the exception with its lower-level cause.
     *
     * @param reason why the folder was refused
     * @param message one sentence naming the file and what was expected
     * @param cause the lower-level error
     */
    public ZooFormatException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** @return why the folder was refused */
    public Reason reason() {
        return reason;
    }
}
