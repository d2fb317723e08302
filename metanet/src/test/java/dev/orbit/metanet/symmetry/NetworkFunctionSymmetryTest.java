package dev.orbit.metanet.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

/**
 * Real DJL networks compute the same function after a symmetry action: the property every
 * invariant or equivariant metanet relies on. Tolerance: 1e-4 absolute on outputs of order 1.
 */
class NetworkFunctionSymmetryTest {

    private static final float TOL = 1e-4f;

    static Stream<NetworkSpec> reluSpecs() {
        return Stream.of(NetworkSpec.mlp(ActivationKind.RELU, 2, 32, 32, 1),
                NetworkSpec.mlp(ActivationKind.RELU, 784, 64, 64, 10),
                NetworkSpec.smallCnnZoo(ActivationKind.RELU));
    }

    static Stream<NetworkSpec> tanhSpecs() {
        return Stream.of(NetworkSpec.mlp(ActivationKind.TANH, 2, 32, 32, 1), NetworkSpec.smallCnnZoo(ActivationKind.TANH));
    }

    @ParameterizedTest
    @MethodSource("reluSpecs")
    void permutationAndPositiveScalingKeepTheFunction(NetworkSpec spec) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Fixture fx = new Fixture(manager, spec, 11);
            assertEquals(0f, fx.outputChange(PermutationAction.random(spec, 5)), TOL);
            assertEquals(0f, fx.outputChange(ScalingAction.positive(spec, 6, 0.5)), TOL);
            assertEquals(0f, fx.outputChange(PermutationAction.random(spec, 7).then(ScalingAction.positive(spec, 8, 0.5))), TOL);
            // Negative control: the same rows moved without their next-layer columns.
            assertTrue(fx.outputChange(PermutationAction.uncoupled(spec, 1, 9)) > 100 * TOL);
        }
    }

    @ParameterizedTest
    @MethodSource("tanhSpecs")
    void signFlipsKeepATanhNetworkButScalingDoesNot(NetworkSpec spec) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Fixture fx = new Fixture(manager, spec, 12);
            assertEquals(0f, fx.outputChange(ScalingAction.signFlip(spec, 3)), TOL);
            assertEquals(0f, fx.outputChange(PermutationAction.random(spec, 4).then(ScalingAction.signFlip(spec, 5))), TOL);
            assertThrows(IllegalArgumentException.class, () -> ScalingAction.positive(spec, 1, 0.5));
            // tanh is not positively homogeneous: the same factors change the function.
            float[][] factors = new float[spec.numLayers() + 1][];
            int[] n = spec.neuronCounts();
            for (int k = 0; k < n.length; k++) {
                factors[k] = new float[n[k]];
                java.util.Arrays.fill(factors[k], spec.isPermutable(k) ? 2.5f : 1f);
            }
            assertTrue(fx.outputChange(ScalingAction.of(spec, factors)) > 100 * TOL);
        }
    }

    @ParameterizedTest
    @MethodSource("reluSpecs")
    void inverseAndCompositionAreGroupOperations(NetworkSpec spec) {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures f = TestNetworks.randomFeatures(manager, spec, 2, 3, 1);
            PermutationAction p = PermutationAction.random(spec, 2);
            PermutationAction q = PermutationAction.random(spec, 3);
            ScalingAction s = ScalingAction.positive(spec, 4, 0.3);
            assertEquals(0f, TestNetworks.maxAbsDiff(f, p.inverse().apply(p.apply(f))), 0f);
            assertEquals(0f, TestNetworks.maxAbsDiff(q.apply(p.apply(f)), p.then(q).apply(f)), 0f);
            assertEquals(0f, TestNetworks.maxAbsDiff(f, s.inverse().apply(s.apply(f))), 1e-5f);
            SymmetryAction g = p.then(s);
            assertEquals(0f, TestNetworks.maxAbsDiff(f, g.inverse().apply(g.apply(f))), 1e-5f);
            assertTrue(TestNetworks.maxAbsDiff(f, p.apply(f)) > 0.1f, "a random permutation moves the features");
        }
    }

    /** A real DJL network of a spec, a seeded input batch, and its output before any action. */
    private static final class Fixture {
        final NDManager manager;
        final NetworkSpec spec;
        final Block block;
        final NDArray input;
        final WeightSpaceFeatures params;
        final NDArray before;

        Fixture(NDManager manager, NetworkSpec spec, long seed) {
            this.manager = manager;
            this.spec = spec;
            this.block = TestNetworks.initialisedBlock(manager, spec, 0.3f, seed);
            this.input = TestNetworks.gaussian(manager, new Random(seed), new Shape(4).addAll(new Shape(spec.inputShape())));
            this.params = WeightSpaceFeatures.fromBlock(spec, block);
            this.before = TestNetworks.forward(manager, block, input);
        }

        float outputChange(SymmetryAction action) {
            action.apply(params).copyToBlock(spec, block, 0);
            float change = TestNetworks.maxAbsDiff(before, TestNetworks.forward(manager, block, input));
            params.copyToBlock(spec, block, 0);
            return change;
        }
    }
}
