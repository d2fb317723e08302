package dev.orbit.training.align;

import java.util.Locale;

/** How network B's hidden neurons are matched to A's. */
public enum AlignMethod {
    /** Weight matching (Git Re-Basin): from the weights alone. */
    WEIGHTS,
    /** Activation matching: correlations of hidden activations on training images. */
    ACTIVATIONS;

    /** Lower-case name used on the command line and in files. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #id()}; the error names both. */
    public static AlignMethod parse(String name) {
        for (AlignMethod m : values()) {
            if (m.id().equalsIgnoreCase(name.strip())) {
                return m;
            }
        }
        throw new IllegalArgumentException("Unknown --method '" + name + "'; expected weights or activations.");
    }
}
