package dev.orbit.training.predict;

import ai.djl.ndarray.NDManager;
import dev.orbit.datasets.zoo.ModelZooSource;
import java.io.IOException;
import java.util.Arrays;

/**
 * A fitted metanet's predictions for rows of a zoo: the rows are read in batches straight into
 * weight-space tensors ({@link ModelZooSource#features}) and scored batch by batch, with no
 * weights file in between.
 */
public final class ZooPredictions {

    /** Networks per forward pass: large enough to amortise engine calls, small enough for any zoo. */
    public static final int BATCH = 64;

    private ZooPredictions() {}

    /**
     * Predicts the run's target for {@code rows} of {@code source}, in the target's units.
     *
     * @throws IllegalArgumentException when the zoo's networks have other parameter shapes than the run's
     */
    public static double[] predict(TrainedMetanet metanet, ModelZooSource source, int[] rows) throws IOException {
        if (!source.spec().parameterShapes().equals(metanet.spec().parameterShapes())) {
            throw new IllegalArgumentException(source.describe() + " holds networks of another architecture than the"
                    + " run's spec (" + metanet.spec().describe() + ").");
        }
        double[] out = new double[rows.length];
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int from = 0; from < rows.length; from += BATCH) {
                int[] batch = Arrays.copyOfRange(rows, from, Math.min(rows.length, from + BATCH));
                try (NDManager step = manager.newSubManager()) {
                    double[] z = metanet.predict(source.features(step, batch));
                    System.arraycopy(z, 0, out, from, z.length);
                }
            }
        }
        return out;
    }
}
