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
            for (int i = 0; i < 4; i++) {
                ActivationKind act = source.activation(i);
                assertEquals(i % 2 == 0 ? ActivationKind.RELU : ActivationKind.TANH, act);
                float[] original = plain.inputWeights(i);
                float[] moved = augmented.inputWeights(i);
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
            float[] a = aug.apply(manager, spec, ActivationKind.RELU, w, 1, 5);
            assertArrayEquals(a, aug.apply(manager, spec, ActivationKind.RELU, w, 1, 5), 0f);
            assertFalse(Arrays.equals(a, aug.apply(manager, spec, ActivationKind.RELU, w, 2, 5)));
            assertFalse(Arrays.equals(a, aug.apply(manager, spec, ActivationKind.RELU, w, 1, 6)));
        }
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
