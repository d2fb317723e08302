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
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationAction;
import dev.orbit.metanet.symmetry.PermutationGroup;
import dev.orbit.metanet.testing.TestNetworks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** NpPool: invariance to every neuron permutation, its reported size, and its values. */
class NpPoolTest {

    static NpPool pool(NetworkSpec spec) {
        return NpPool.builder().setNetworkSpec(spec).build();
    }

    @ParameterizedTest(name = "{0}, B={2}, C={3}")
    @MethodSource("dev.orbit.metanet.layers.NpLinearTest#cases")
    void invariantToEveryPermutationAndReportsItsSize(String name, NetworkSpec spec, int batch, int channels, int unused) {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, batch, channels, 211);
            NpPool pool = EquivarianceCheck.initialise(manager, pool(spec), x);
            for (PermutationAction g : new PermutationAction[] {
                PermutationAction.random(spec, 212), EquivarianceCheck.reverseInputsAndOutputs(spec).then(PermutationAction.random(spec, 213, PermutationGroup.NP))
            }) {
                float error = EquivarianceCheck.invarianceError(manager, pool, g, x);
                assertTrue(error <= TOLERANCE, name + ": invariance error " + error);
            }
            NDArray out = EquivarianceCheck.applyInvariant(manager, pool, x);
            assertEquals(new Shape(batch, NpPool.outputSize(spec, channels)), out.getShape());
            assertEquals(out.getShape(), pool.getOutputShapes(TestNetworks.shapesOf(x.toNDList()))[0]);
        }
    }

    @Test
    void sizesAndValues() {
        assertEquals(32, NpPool.outputSize(CNN, 1)); // (9 + 1) * 3 + (1 + 1)
        assertEquals(6 * 2, NpPool.outputSize(INR_MLP, 2));
        assertEquals(6, pool(MNIST_MLP).getOutputSize(1));
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, INR_MLP, 1, 2, 221);
            NDArray out = EquivarianceCheck.applyInvariant(manager, EquivarianceCheck.initialise(manager, pool(INR_MLP), x), x);
            // channel-major as NFN: channel 1's first entry is W_0's mean, its second b_0's mean
            float w0 = x.weight(0).get(":, :, :, 1").mean().getFloat();
            float b0 = x.bias(0).get(":, :, 1").mean().getFloat();
            assertEquals(w0, out.getFloat(0, 6), 1e-6f);
            assertEquals(b0, out.getFloat(0, 7), 1e-6f);
        }
    }

    @Test
    void inputsAreChecked() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, INR_MLP, 1, 1, 231);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EquivarianceCheck.initialise(manager, pool(MNIST_MLP), x));
            assertTrue(e.getMessage().contains("layer 0"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> NpPool.builder().build());
        }
    }
}
