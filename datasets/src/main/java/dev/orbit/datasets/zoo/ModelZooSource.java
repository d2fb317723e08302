package dev.orbit.datasets.zoo;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A model zoo on disk: {@link #size()} networks of one architecture, each with its flat weights in
 * the {@link NetworkSpec}'s canonical order (W_0, b_0, W_1, b_1, ..., DJL layout), the quantities a
 * metanet learns to predict, and its hyperparameters.
 *
 * <p>Weights are read on demand, one network (or one batch, {@link #features}) at a time, so an
 * implementation never holds the whole zoo in the Java heap. Targets and hyperparameters are small
 * and may be held in memory.
 */
public interface ModelZooSource extends AutoCloseable {

    /** Target name: accuracy on the held-out test set. */
    String TEST_ACCURACY = "test_accuracy";

    /** Target name: generalization gap, train accuracy minus test accuracy. */
    String GEN_GAP = "gen_gap";

    /** The architecture of every network in the zoo. */
    NetworkSpec spec();

    /** Number of networks (rows). */
    int size();

    /**
     * Reads one network's weights.
     *
     * @param row index in [0, size())
     * @return {@code spec().parameterCount()} floats in canonical order; a new array
     * @throws IOException when the file cannot be read
     */
    float[] weights(int row) throws IOException;

    /**
     * Reads a batch of networks as raw per-layer tensors on {@code manager}: weights
     * (B, n_l, n_{l-1}, kh * kw) and biases (B, n_l, 1), network b being row {@code rows[b]}. The
     * rows are gathered into one host buffer and cross to the engine in one copy.
     *
     * @throws IOException when a row cannot be read
     */
    default WeightSpaceFeatures features(NDManager manager, int[] rows) throws IOException {
        int p = Math.toIntExact(spec().parameterCount());
        float[] all = new float[Math.multiplyExact(rows.length, p)];
        for (int b = 0; b < rows.length; b++) {
            float[] w = weights(rows[b]);
            if (w.length != p) {
                throw new IllegalStateException(describe() + " gave " + w.length + " weights for row " + rows[b]
                        + "; its spec has " + p);
            }
            System.arraycopy(w, 0, all, b * p, p);
        }
        return WeightSpaceFeatures.fromFlat(spec(), manager.create(all, new Shape(rows.length, p))); // (B, P) -> layers
    }

    /** The targets this zoo provides, e.g. {@link #TEST_ACCURACY}, {@link #GEN_GAP}. */
    List<String> targetNames();

    /**
     * One network's value of a target.
     *
     * @param row index in [0, size())
     * @param name one of {@link #targetNames()}
     * @throws IllegalArgumentException for an unknown target, naming the known ones
     */
    double target(int row, String name);

    /** Every network's value of a target, in row order. */
    default double[] targets(String name) {
        double[] out = new double[size()];
        for (int r = 0; r < out.length; r++) {
            out[r] = target(r, name);
        }
        return out;
    }

    /** One network's hyperparameters by column name (may be empty). */
    Map<String, String> hyperparameters(int row);

    /**
     * The hyperparameter group of a network: networks trained with the same recipe but different
     * seeds share a group, so a split by group keeps near-duplicates on one side.
     */
    String group(int row);

    /** The hidden activation of one network (zoos like the Small CNN Zoo mix relu and tanh). */
    default ActivationKind activation(int row) {
        return spec().layer(0).activation();
    }

    /** A one-line description for logs and provenance, naming the location. */
    String describe();

    @Override
    void close() throws IOException;
}
