package dev.orbit.metanet.layers;

import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.NetworkSpec;

/** Validation of weight-space NDList shapes against a {@link NetworkSpec}, with messages a user can act on. */
final class WeightSpaceShapes {

    private WeightSpaceShapes() {}

    /**
     * Checks that {@code shapes} are W_0, b_0, W_1, b_1, ... of {@code spec} with weights
     * (B, n_l, n_{l-1}, C * f_l) and biases (B, n_l, C) for one batch size B and channel count C,
     * and returns C.
     */
    static int channels(NetworkSpec spec, Shape[] shapes, String block) {
        if (shapes.length != 2 * spec.numLayers()) {
            throw new IllegalArgumentException(block + " expects " + 2 * spec.numLayers()
                    + " arrays (W_l, b_l for each layer of " + spec.describe() + "), got " + shapes.length);
        }
        if (shapes[1].dimension() != 3) {
            throw new IllegalArgumentException(block + ": bias 0 must be (B, n_1, C), got " + shapes[1]);
        }
        long batch = shapes[1].get(0);
        long channels = shapes[1].get(2);
        int[] n = spec.neuronCounts();
        for (int l = 0; l < spec.numLayers(); l++) {
            Shape w = new Shape(batch, n[l + 1], n[l], channels * spec.layer(l).filterSize());
            Shape b = new Shape(batch, n[l + 1], channels);
            if (!shapes[2 * l].equals(w) || !shapes[2 * l + 1].equals(b)) {
                throw new IllegalArgumentException(block + ": layer " + l + " features have shapes " + shapes[2 * l]
                        + " and " + shapes[2 * l + 1] + ", expected " + w + " and " + b + " for " + spec.describe()
                        + " with C = " + channels);
            }
        }
        return Math.toIntExact(channels);
    }
}
