package dev.orbit.datasets.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.testing.TestNetworks;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import dev.orbit.datasets.zoo.cnnzoo.SmallCnnZooSource;
import dev.orbit.datasets.zoo.cnnzoo.SyntheticSmallCnnZoo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Augmented samples keep their label and compute the same function as the original network, on
 * the Small CNN Zoo architecture with relu networks (permutation + positive scaling) and tanh
 * networks (permutation + sign flips). Tolerance 1e-4 on outputs of order 1.
 */
class SymmetryAugmentationTest {

    private static final float TOL = 1e-4f;
    private static final NetworkSpec SPEC = NetworkSpec.smallCnnZoo(ActivationKind.RELU);

    @Test
    void augmentationKeepsLabelsAndTheNetworkFunction(@TempDir Path dir) throws Exception {
        SyntheticSmallCnnZoo zoo = SyntheticSmallCnnZoo.smallCnn(4, new int[] {10}, 11);
        zoo.write(dir.resolve("zoo"));
        try (SmallCnnZooSource source = SmallCnnZooSource.open(dir.resolve("zoo"));
                NDManager manager = NDManager.newBaseManager()) {
            ModelZooDataset plain = ModelZooDataset.builder().setSource(source).setTarget("test_accuracy").build();
            ModelZooDataset augmented = ModelZooDataset.builder().setSource(source).setTarget("test_accuracy")
                    .optAugmentation(SymmetryAugmentation.permutationsAndScaling(3, 0.5)).build();
            augmented.setEpoch(2);
            NDArray images = TestNetworks.gaussian(manager, new Random(1), new Shape(5, 1, 28, 28));
            // One batch mixing relu and tanh networks, each moved by its own action.
            long[] items = {0, 1, 2, 3};
            float[] plainBatch = plain.features(manager, items).toFlat(SPEC).toFloatArray();
            float[] movedBatch = augmented.features(manager, items).toFlat(SPEC).toFloatArray();
            int p = (int) SPEC.parameterCount();
            for (int i = 0; i < 4; i++) {
                ActivationKind act = source.activation(i);
                assertEquals(i % 2 == 0 ? ActivationKind.RELU : ActivationKind.TANH, act);
                float[] original = Arrays.copyOfRange(plainBatch, i * p, (i + 1) * p);
                float[] moved = Arrays.copyOfRange(movedBatch, i * p, (i + 1) * p);
                assertArrayEquals(moved, augmented.inputWeights(i), 0f); // a network's move does not depend on its batch
                // Not vacuous: the weights really moved.
                assertFalse(Arrays.equals(original, moved));
                assertEquals(plain.label(i), augmented.label(i), 0.0);
                NetworkSpec spec = NetworkSpec.smallCnnZoo(act);
                float change = outputChange(manager, spec, original, moved, images);
                assertEquals(0f, change, TOL, "network " + i + " (" + act.id() + ")");
            }
            // Negative control: a relu network's weights moved by another network's permutation of
            // only one layer's rows is not on the orbit, and its function changes.
            float[] original = plain.inputWeights(0);
            float[] broken = original.clone();
            int firstBias = 144; // layer 0: 16 x 1 x 3 x 3 weights, then 16 biases
            for (int o = 0; o < 16; o++) {
                broken[firstBias + o] = original[firstBias + (o + 1) % 16];
            }
            assertTrue(outputChange(manager, NetworkSpec.smallCnnZoo(ActivationKind.RELU), original, broken, images) > 100 * TOL);
        }
    }

    @Test
    void actionsAreSeededPerEpochAndIndex() {
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, 3, 8, 8, 2);
        float[] w = new float[(int) spec.parameterCount()];
        for (int i = 0; i < w.length; i++) {
            w[i] = i;
        }
        SymmetryAugmentation aug = SymmetryAugmentation.permutations(9);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] a = moved(manager, aug, spec, w, 1, 5);
            assertArrayEquals(a, moved(manager, aug, spec, w, 1, 5), 0f);
            assertFalse(Arrays.equals(a, moved(manager, aug, spec, w, 2, 5)));
            assertFalse(Arrays.equals(a, moved(manager, aug, spec, w, 1, 6)));
        }
    }

    /**
     * The batch path draws the same elements as the per-sample actions (the augmentation's
     * distribution and seeding are unchanged): network b of a mixed relu / tanh batch equals
     * {@link SymmetryAugmentation#action} of its index applied to it alone, to the last bit.
     */
    @Test
    void aBatchIsMovedByEachSamplesOwnAction() {
        SymmetryAugmentation aug = SymmetryAugmentation.permutationsAndScaling(4, 0.5);
        ActivationKind[] acts = {ActivationKind.RELU, ActivationKind.TANH, ActivationKind.RELU, ActivationKind.TANH};
        long[] indices = {7, 3, 12, 0};
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures batch = TestNetworks.randomFeatures(manager, SPEC, acts.length, 1, 8);
            WeightSpaceFeatures moved = aug.apply(batch, SPEC, acts, 3, indices);
            for (int b = 0; b < acts.length; b++) {
                WeightSpaceFeatures alone = aug.action(NetworkSpec.smallCnnZoo(acts[b]), acts[b], 3, indices[b])
                        .apply(batch.slice(b, b + 1));
                assertEquals(0f, TestNetworks.maxAbsDiff(alone, moved.slice(b, b + 1)), 0f, "network " + b);
            }
            // Negative control: another epoch's actions move the batch elsewhere.
            assertTrue(TestNetworks.maxAbsDiff(moved, aug.apply(batch, SPEC, acts, 4, indices)) > 1e-3f);
        }
    }

    private static float[] moved(NDManager manager, SymmetryAugmentation aug, NetworkSpec spec, float[] w, int epoch,
            long index) {
        WeightSpaceFeatures one = WeightSpaceFeatures.fromFlat(spec, manager.create(w, new Shape(1, w.length)));
        return aug.apply(one, spec, new ActivationKind[] {ActivationKind.RELU}, epoch, new long[] {index}).toFlat(spec)
                .toFloatArray();
    }

    private static float outputChange(NDManager manager, NetworkSpec spec, float[] a, float[] b, NDArray images) {
        Block block = TestNetworks.initialisedBlock(manager, spec, 0.1f, 1);
        WeightSpaceFeatures.fromFlat(spec, manager.create(a, new Shape(1, a.length))).copyToBlock(spec, block, 0);
        NDArray ya = TestNetworks.forward(manager, block, images);
        WeightSpaceFeatures.fromFlat(spec, manager.create(b, new Shape(1, b.length))).copyToBlock(spec, block, 0);
        NDArray yb = TestNetworks.forward(manager, block, images);
        return TestNetworks.maxAbsDiff(ya, yb);
    }
}
