package dev.orbit.datasets.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-layer statistics come from the training rows only and survive a JSON round trip. */
class ZooNormalizationTest {

    private static final NetworkSpec SPEC = NetworkSpec.mlp(ActivationKind.RELU, 3, 4, 2);
    private static final int[] TRAIN = {0, 2, 4, 6};
    private static final int TEST_ROW = 5;

    @Test
    void statisticsUseOnlyTrainingRows() throws Exception {
        ZooNormalization base = ZooNormalization.fit(zoo(-1, 0f), TRAIN, "test_accuracy");
        // Changing a test network (weights and target) leaves the statistics exactly as they were.
        assertEquals(base, ZooNormalization.fit(zoo(TEST_ROW, 50f), TRAIN, "test_accuracy"));
        // Negative control: the same change to a training network moves them.
        assertNotEquals(base, ZooNormalization.fit(zoo(TRAIN[1], 50f), TRAIN, "test_accuracy"));
    }

    @Test
    void statisticsArePerLayerMeansAndStds() throws Exception {
        ModelZooSource zoo = zoo(-1, 0f);
        ZooNormalization n = ZooNormalization.fit(zoo, TRAIN, "test_accuracy");
        double sum = 0;
        double sq = 0;
        int count = 0;
        for (int r : TRAIN) {
            float[] w = zoo.weights(r);
            for (int i = 0; i < 12; i++) { // layer 0 weight: (4, 3)
                sum += w[i];
                sq += w[i] * w[i];
                count++;
            }
        }
        double mean = sum / count;
        assertEquals(mean, n.weightMean(0), 1e-9);
        assertEquals(Math.sqrt(sq / count - mean * mean), n.weightStd(0), 1e-9);
        float[] normalised = n.normalizeInPlace(SPEC, zoo.weights(0));
        assertEquals((zoo.weights(0)[0] - mean) / n.weightStd(0), normalised[0], 1e-5);
        assertEquals(0.5, n.denormalizeTarget(n.normalizeTarget(0.5)), 1e-12);
    }

    @Test
    void jsonRoundTrip(@TempDir Path dir) throws Exception {
        ZooNormalization n = ZooNormalization.fit(zoo(-1, 0f), TRAIN, "test_accuracy");
        n.write(dir.resolve("normalization.json"));
        ZooNormalization back = ZooNormalization.read(dir.resolve("normalization.json"));
        assertEquals(n, back);
        assertEquals(n.targetStd(), back.targetStd(), 0.0);
    }

    /** 8 seeded networks; {@code changedRow} (if >= 0) gets {@code shift} added to weights and target. */
    private static ModelZooSource zoo(int changedRow, float shift) {
        SplittableRandom random = new SplittableRandom(5);
        List<float[]> weights = new ArrayList<>();
        double[] acc = new double[8];
        for (int r = 0; r < 8; r++) {
            float[] w = new float[(int) SPEC.parameterCount()];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) random.nextDouble(-1, 1) * (i < 12 ? 0.5f : 2f) + (r == changedRow ? shift : 0f);
            }
            weights.add(w);
            acc[r] = 0.5 + 0.05 * r + (r == changedRow ? shift : 0);
        }
        return InMemoryZooSource.of(SPEC, weights, Map.of("test_accuracy", acc), null);
    }
}
