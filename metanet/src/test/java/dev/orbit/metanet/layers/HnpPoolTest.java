package dev.orbit.metanet.layers;

import static dev.orbit.metanet.layers.NpLinearTest.CNN;
import static dev.orbit.metanet.layers.NpLinearTest.INR_MLP;
import static dev.orbit.metanet.layers.NpLinearTest.MNIST_MLP;
import static dev.orbit.metanet.layers.NpLinearTest.TOLERANCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationAction;
import dev.orbit.metanet.testing.TestNetworks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** HnpPool: invariance to hidden permutations, sensitivity to input/output ones, its reported size. */
class HnpPoolTest {

    /** Kept entries are means over a hidden axis of N(0, 1) features (std ~0.18 for 32 neurons): 1000x the tolerance. */
    private static final float CHANGED = 1e-2f;

    static HnpPool pool(NetworkSpec spec) {
        return HnpPool.builder().setNetworkSpec(spec).build();
    }

    @ParameterizedTest(name = "{0}, B={2}, C={3}")
    @MethodSource("dev.orbit.metanet.layers.NpLinearTest#cases")
    void invariantToHiddenPermutationsAndReportsItsSize(String name, NetworkSpec spec, int batch, int channels, int unused) {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, batch, channels, 311);
            HnpPool pool = EquivarianceCheck.initialise(manager, pool(spec), x);
            float error = EquivarianceCheck.invarianceError(manager, pool, PermutationAction.random(spec, 312), x);
            assertTrue(error <= TOLERANCE, name + ": invariance error " + error);
            NDArray out = EquivarianceCheck.applyInvariant(manager, pool, x);
            assertEquals(new Shape(batch, HnpPool.outputSize(spec, channels)), out.getShape());
            assertEquals(out.getShape(), pool.getOutputShapes(TestNetworks.shapesOf(x.toNDList()))[0]);
        }
    }

    /** HNP pooling keeps the fixed neurons visible, so reordering them changes the output (NP's does not). */
    @Test
    void seesInputAndOutputOrder() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (NetworkSpec spec : new NetworkSpec[] {INR_MLP, MNIST_MLP, CNN}) {
                WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 1, 1, 321);
                HnpPool pool = EquivarianceCheck.initialise(manager, pool(spec), x);
                float error = EquivarianceCheck.invarianceError(manager, pool, EquivarianceCheck.reverseInputsAndOutputs(spec), x);
                assertTrue(error > CHANGED, spec + ": input/output permutation changed HNP pooling by only " + error);
            }
        }
    }

    @Test
    void sizes() {
        assertEquals(50, HnpPool.outputSize(CNN, 1)); // 9 + 1 + (9 + 1) + (9 + 1) + 10 + 10
        assertEquals(5 * (2 + 1 + 1 + 1 + 1 + 1), HnpPool.outputSize(INR_MLP, 5));
        assertEquals(784 + 1 + 2 + 10 + 10, pool(MNIST_MLP).getOutputSize(1));
        // a single layer keeps W_0's inputs and the whole bias, as NFN's forward pass does
        assertEquals(2 + 3, HnpPool.outputSize(NetworkSpec.mlp(ActivationKind.RELU, 2, 3), 1));
        assertThrows(IllegalArgumentException.class, () -> HnpPool.builder().build());
    }
}
