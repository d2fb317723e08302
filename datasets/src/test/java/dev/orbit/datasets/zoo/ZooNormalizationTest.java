package dev.orbit.datasets.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;

import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerSpec;
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
        try (NDManager manager = NDManager.newBaseManager()) {
            float normalised = n.normalize(zoo.features(manager, new int[] {0})).weight(0).getFloat(0, 0, 0, 0);
            assertEquals((zoo.weights(0)[0] - mean) / n.weightStd(0), normalised, 1e-5);
        }
        assertEquals(0.5, n.denormalizeTarget(n.normalizeTarget(0.5)), 1e-12);
    }

    /**
     * The batch map on the engine is the per-network formula (w - mean) / std of each layer's
     * tensor: within float rounding of the exact value (mean and 1/std rounded to float, then one
     * rounding per subtraction and product: under 4 ulps of the larger of |z| and |mean / std|),
     * and a network's values do not depend on the batch it is in.
     */
    @Test
    void batchNormalisationIsThePerNetworkFormula() throws Exception {
        ModelZooSource zoo = zoo(-1, 0f);
        ZooNormalization n = ZooNormalization.fit(zoo, TRAIN, "test_accuracy");
        int[] rows = {0, 3, 5, 7};
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] batch = n.normalize(zoo.features(manager, rows)).toFlat(SPEC).toFloatArray();
            int p = (int) SPEC.parameterCount();
            for (int b = 0; b < rows.length; b++) {
                float[] raw = zoo.weights(rows[b]);
                float[] alone = n.normalize(zoo.features(manager, new int[] {rows[b]})).toFlat(SPEC).toFloatArray();
                int pos = 0;
                boolean moved = false;
                for (int l = 0; l < SPEC.numLayers(); l++) {
                    LayerSpec layer = SPEC.layer(l);
                    for (int i = 0; i < layer.weightCount() + layer.outNeurons(); i++, pos++) {
                        boolean weight = i < layer.weightCount();
                        double mean = weight ? n.weightMean(l) : n.biasMean(l);
                        double std = weight ? n.weightStd(l) : n.biasStd(l);
                        double exact = (raw[pos] - mean) / std;
                        double bound = 4 * Math.ulp((float) Math.max(Math.abs(exact), Math.abs(mean / std)));
                        assertEquals(exact, batch[b * p + pos], bound, "network " + rows[b] + ", parameter " + pos);
                        assertEquals(alone[pos], batch[b * p + pos], 0f);
                        moved |= Math.abs(exact - raw[pos]) > 1e-2;
                    }
                }
                assertTrue(moved, "the statistics are not the identity"); // not vacuous
            }
            // The identity statistics leave the weights exactly as read.
            assertArrayEquals(zoo.weights(3), ZooNormalization.identity(SPEC, "test_accuracy")
                    .normalize(zoo.features(manager, new int[] {3})).toFlat(SPEC).toFloatArray(), 0f);
        }
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
