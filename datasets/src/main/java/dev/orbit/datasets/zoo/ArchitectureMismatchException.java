package dev.orbit.datasets.zoo;

/**
 * A network's parameters do not fit the architecture they are read for: the message is one sentence
 * naming the file, the first layer that differs, and both shapes, e.g. {@code model.npz: layer 2
 * weight has shape (16,8,3,3), the run's spec expects (16,16,3,3)}.
 */
public class ArchitectureMismatchException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one sentence naming the file and the mismatch
     */
    public ArchitectureMismatchException(String message) {
        super(message);
    }
}
