package dev.orbit.metanet.symmetry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.testing.TestNetworks;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Weight matching recovers a hidden permutation exactly, never changes a network's function, and
 * cannot bring two independent networks together (the negative control).
 */
class WeightMatchingTest {

    static Stream<NetworkSpec> specs() {
        return Stream.of(NetworkSpec.mlp(ActivationKind.RELU, 10, 24, 24, 24, 3),
                NetworkSpec.mlp(ActivationKind.TANH, 64, 32, 32, 10),
                NetworkSpec.smallCnnZoo(ActivationKind.RELU));
    }

    @ParameterizedTest
    @MethodSource("specs")
    void recoversARandomPermutationExactly(NetworkSpec spec) {
        float[] a = gaussian(spec, 1);
        for (long seed = 0; seed < 3; seed++) {
            PermutationAction hidden = PermutationAction.random(spec, 100 + seed);
            float[] b = hidden.applyToFlat(spec, a);
            WeightMatching.Alignment result = WeightMatching.create().align(spec, a, b);
            PermutationAction expected = hidden.inverse();
            for (int k = 0; k <= spec.numLayers(); k++) {
                assertArrayEquals(expected.permutation(k), result.permutation().permutation(k), "boundary " + k);
            }
            // A permutation moves floats without arithmetic: the aligned copy is A bit for bit.
            assertArrayEquals(a, result.action().applyToFlat(spec, b));
            assertEquals(0.0, result.distanceAfter(), 0.0);
            assertTrue(result.distanceBefore() > 1, "the copy was really moved: " + result.distanceBefore());
        }
    }

    @org.junit.jupiter.api.Test
    void recoversSignFlipsOfATanhNetworkAndOnlyWithThem() {
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.TANH, 12, 20, 20, 20, 4);
        float[] a = gaussian(spec, 4);
        SymmetryAction hidden = PermutationAction.random(spec, 5).then(ScalingAction.signFlip(spec, 6));
        float[] b = hidden.applyToFlat(spec, a);
        WeightMatching.Alignment result = WeightMatching.create().align(spec, a, b);
        assertArrayEquals(a, result.action().applyToFlat(spec, b));
        assertEquals(0.0, result.distanceAfter(), 0.0);
        // Negative control: permutations alone cannot undo the flips.
        WeightMatching.Alignment permutationsOnly = WeightMatching.builder().optSignFlips(false).build().align(spec, a, b);
        assertTrue(permutationsOnly.distanceAfter() > 1, permutationsOnly.toString());
        // and flips are refused where they are no symmetry
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> WeightMatching.builder()
                .optSignFlips(true).build().align(NetworkSpec.mlp(ActivationKind.RELU, 3, 4, 2), new float[26], new float[26]));
    }

    @ParameterizedTest
    @MethodSource("specs")
    void independentNetworksComeCloserButNeverTogether(NetworkSpec spec) {
        float[] a = gaussian(spec, 2);
        float[] b = gaussian(spec, 3);
        WeightMatching.Alignment result = WeightMatching.builder().optSeed(7).build().align(spec, a, b);
        float[] aligned = result.action().applyToFlat(spec, b);
        double actual = distance(a, aligned);
        // The reported distance is the distance of the applied permutation (float sums, relative 1e-6).
        assertEquals(actual, result.distanceAfter(), 1e-6 * actual);
        assertEquals(distance(a, b), result.distanceBefore(), 1e-6 * actual);
        assertTrue(result.distanceAfter() < result.distanceBefore(), result.toString());
        // Negative control: no permutation makes two independent Gaussian networks equal.
        assertTrue(result.distanceAfter() > 0.5 * result.distanceBefore(), result.toString());
    }

    @ParameterizedTest
    @MethodSource("specs")
    void alignmentKeepsTheFunction(NetworkSpec spec) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block reference = TestNetworks.initialisedBlock(manager, spec, 0.3f, 21);
            Block other = TestNetworks.initialisedBlock(manager, spec, 0.3f, 22);
            float[] a = flat(spec, reference);
            float[] b = flat(spec, other);
            NDArray input = TestNetworks.gaussian(manager, new Random(5), new Shape(8).addAll(new Shape(spec.inputShape())));
            NDArray before = TestNetworks.forward(manager, other, input);
            WeightMatching.Alignment result = WeightMatching.create().align(spec, a, b);
            spec.copyToBlock(result.action().applyToFlat(spec, b), other);
            NDArray after = TestNetworks.forward(manager, other, input);
            // outputs of order 1 through a few float32 layers: 1e-4 absolute
            assertEquals(0f, TestNetworks.maxAbsDiff(before, after), 1e-4f);
            assertTrue(distance(flat(spec, other), b) > 0.1, "the alignment moved the weights");
            // Negative control: the permutation applied to the rows of one layer only changes the function.
            WeightSpaceFeatures moved = PermutationAction.uncoupled(spec, 1, 3).apply(
                    WeightSpaceFeatures.fromFlat(spec, manager.create(b, new Shape(1, b.length))));
            moved.copyToBlock(spec, other, 0);
            assertTrue(TestNetworks.maxAbsDiff(before, TestNetworks.forward(manager, other, input)) > 1e-2f);
        }
    }

    static float[] gaussian(NetworkSpec spec, long seed) {
        Random random = new Random(seed);
        float[] w = new float[Math.toIntExact(spec.parameterCount())];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        return w;
    }

    static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }

    private static float[] flat(NetworkSpec spec, Block block) {
        return WeightSpaceFeatures.fromBlock(spec, block).toFlat(spec).toFloatArray();
    }
}
