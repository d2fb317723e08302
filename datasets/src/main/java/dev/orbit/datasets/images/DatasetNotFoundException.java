package dev.orbit.datasets.images;

import java.io.IOException;

/**
 * A dataset's files are not where Orbit looked. The message names the places searched and the exact
 * commands that install the data, fit to show a user as is.
 */
public class DatasetNotFoundException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message one sentence naming what is missing and how to install it
     */
    public DatasetNotFoundException(String message) {
        super(message);
    }
}
