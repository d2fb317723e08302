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
 * Every point of an orbit has the same canonical form, the form computes the same function, and
 * different networks keep different forms.
 */
class CanonicalizationTest {

    /** Float32 rescaling and renormalising round each weight: 1e-5 relative to weights of order 1. */
    private static final float TOL = 1e-5f;

    static Stream<NetworkSpec> reluSpecs() {
        return Stream.of(NetworkSpec.mlp(ActivationKind.RELU, 10, 24, 24, 24, 3), NetworkSpec.smallCnnZoo(ActivationKind.RELU));
    }

    static Stream<NetworkSpec> oddSpecs() {
        return Stream.of(NetworkSpec.mlp(ActivationKind.TANH, 10, 24, 24, 3), NetworkSpec.smallCnnZoo(ActivationKind.TANH),
                NetworkSpec.mlp(ActivationKind.SINE, 2, 16, 16, 1));
    }

    @ParameterizedTest
    @MethodSource("reluSpecs")
    void permutedAndPositivelyRescaledCopiesShareOneForm(NetworkSpec spec) {
        float[] theta = WeightMatchingTest.gaussian(spec, 1);
        float[] canonical = Canonicalization.canonicalForm(spec, theta);
        for (long seed = 0; seed < 3; seed++) {
            SymmetryAction g = PermutationAction.random(spec, 10 + seed).then(ScalingAction.positive(spec, 20 + seed, 0.7));
            assertClose(canonical, Canonicalization.canonicalForm(spec, g.applyToFlat(spec, theta)));
        }
        assertClose(canonical, Canonicalization.canonicalForm(spec, PermutationAction.random(spec, 4).applyToFlat(spec, theta)));
        assertFormIsCanonical(spec, canonical);
    }

    @ParameterizedTest
    @MethodSource("oddSpecs")
    void permutedAndSignFlippedCopiesShareOneForm(NetworkSpec spec) {
        float[] theta = WeightMatchingTest.gaussian(spec, 2);
        float[] canonical = Canonicalization.canonicalForm(spec, theta);
        for (long seed = 0; seed < 3; seed++) {
            SymmetryAction g = PermutationAction.random(spec, 30 + seed).then(ScalingAction.signFlip(spec, 40 + seed));
            // negation is exact, so the forms agree bit for bit
            assertArrayEquals(canonical, Canonicalization.canonicalForm(spec, g.applyToFlat(spec, theta)));
        }
    }

    @ParameterizedTest
    @MethodSource("reluSpecs")
    void differentNetworksKeepDifferentForms(NetworkSpec spec) {
        float[] theta = WeightMatchingTest.gaussian(spec, 3);
        float[] canonical = Canonicalization.canonicalForm(spec, theta);
        float[] other = Canonicalization.canonicalForm(spec, WeightMatchingTest.gaussian(spec, 4));
        assertTrue(WeightMatchingTest.distance(canonical, other) > 1);
        // Negative control: a change that is no symmetry (rows moved without their columns) is seen.
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] broken = PermutationAction.uncoupled(spec, 1, 5)
                    .apply(WeightSpaceFeatures.fromFlat(spec, manager.create(theta, new Shape(1, theta.length))))
                    .toFlat(spec).toFloatArray();
            assertTrue(WeightMatchingTest.distance(canonical, Canonicalization.canonicalForm(spec, broken)) > 0.1);
        }
    }

    @ParameterizedTest
    @MethodSource({"reluSpecs", "oddSpecs"})
    void theFormComputesTheSameFunction(NetworkSpec spec) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = TestNetworks.initialisedBlock(manager, spec, 0.3f, 8);
            float[] theta = WeightSpaceFeatures.fromBlock(spec, block).toFlat(spec).toFloatArray();
            NDArray input = TestNetworks.gaussian(manager, new Random(9), new Shape(6).addAll(new Shape(spec.inputShape())));
            NDArray before = TestNetworks.forward(manager, block, input);
            float[] canonical = Canonicalization.canonicalForm(spec, theta);
            spec.copyToBlock(canonical, block);
            assertEquals(0f, TestNetworks.maxAbsDiff(before, TestNetworks.forward(manager, block, input)), 1e-4f);
            assertTrue(WeightMatchingTest.distance(theta, canonical) > 0.1, "the form differs from the input");
        }
    }

    /** Canonicalising a canonical form changes nothing but rounding. */
    private static void assertFormIsCanonical(NetworkSpec spec, float[] canonical) {
        assertClose(canonical, Canonicalization.canonicalForm(spec, canonical));
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOL * Math.max(1, Math.abs(expected[i])), "entry " + i);
        }
    }
}
