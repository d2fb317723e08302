package dev.orbit.training.metrics;

import java.util.Objects;

/** Argument checks shared by the metrics: paired samples must exist and have equal length. */
final class Samples {

    private Samples() {}

    static void requirePaired(double[] a, String aName, double[] b, String bName) {
        Objects.requireNonNull(a, aName + " must not be null");
        Objects.requireNonNull(b, bName + " must not be null");
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    aName + " has " + a.length + " values but " + bName + " has " + b.length
                            + "; they must be paired one to one");
        }
    }

    static boolean containsNaN(double[] values) {
        for (double v : values) {
            if (Double.isNaN(v)) {
                return true;
            }
        }
        return false;
    }
}
