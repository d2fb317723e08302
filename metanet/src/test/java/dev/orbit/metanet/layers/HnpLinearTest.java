package dev.orbit.metanet.layers;

import static dev.orbit.metanet.layers.NpLinearTest.CNN;
import static dev.orbit.metanet.layers.NpLinearTest.INR_MLP;
import static dev.orbit.metanet.layers.NpLinearTest.LARGE;
import static dev.orbit.metanet.layers.NpLinearTest.MNIST_MLP;
import static dev.orbit.metanet.layers.NpLinearTest.TOLERANCE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationAction;
import dev.orbit.metanet.testing.TestNetworks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HnpLinear: equivariance to hidden-neuron permutations, sensitivity to input/output permutations
 * (which NP ignores), a negative control, gradients, shapes and save/load. Features are seeded N(0, 1).
 */
class HnpLinearTest {

    static HnpLinear layer(NetworkSpec spec, int in, int out) {
        return HnpLinear.builder().setNetworkSpec(spec).optInChannels(in).setOutChannels(out).build();
    }

    @ParameterizedTest(name = "{0}, B={2}, C={3}->{4}")
    @MethodSource("dev.orbit.metanet.layers.NpLinearTest#cases")
    void equivariantToHiddenPermutations(String name, NetworkSpec spec, int batch, int in, int out) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(111);
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, batch, in, 112);
            HnpLinear layer = EquivarianceCheck.initialise(manager, layer(spec, in, out), x);
            float error = EquivarianceCheck.equivarianceError(manager, layer, PermutationAction.random(spec, 113), x);
            assertTrue(error <= TOLERANCE, name + ": equivariance error " + error + " > " + TOLERANCE);
        }
    }

    /** The property that separates HNP from NP: input and output neurons are not interchangeable. */
    @Test
    void notEquivariantToInputOrOutputPermutations() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (NetworkSpec spec : new NetworkSpec[] {INR_MLP, CNN, NetworkSpec.mlp(ActivationKind.RELU, 3, 4, 3)}) {
                WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 2, 2, 121);
                HnpLinear layer = EquivarianceCheck.initialise(manager, layer(spec, 2, 3), x);
                float error = EquivarianceCheck.equivarianceError(manager, layer, EquivarianceCheck.reverseInputsAndOutputs(spec), x);
                assertTrue(error > LARGE, spec + ": HNP error under input/output permutations only " + error);
            }
        }
    }

    @Test
    void uncoupledPermutationBreaksEquivariance() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (NetworkSpec spec : new NetworkSpec[] {INR_MLP, MNIST_MLP, CNN}) {
                WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 1, 1, 131);
                HnpLinear layer = EquivarianceCheck.initialise(manager, layer(spec, 1, 2), x);
                for (int boundary = 1; boundary < spec.numLayers(); boundary++) {
                    float error = EquivarianceCheck.equivarianceError(
                            manager, layer, PermutationAction.uncoupled(spec, boundary, 132), x);
                    assertTrue(error > LARGE, spec + ", boundary " + boundary + ": uncoupled error only " + error);
                }
            }
        }
    }

    @Test
    void twoLayerNetworkWhereFirstAndLastMeet() {
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, 3, 6, 2);
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 2, 2, 141);
            HnpLinear layer = EquivarianceCheck.initialise(manager, layer(spec, 2, 3), x);
            float error = EquivarianceCheck.equivarianceError(manager, layer, PermutationAction.random(spec, 142), x);
            assertTrue(error <= TOLERANCE, "L = 2 equivariance error " + error);
            NDList out = TestNetworks.forward(manager, layer, x.toNDList(), false);
            assertArrayEquals(TestNetworks.shapesOf(out), layer.getOutputShapes(TestNetworks.shapesOf(x.toNDList())));
        }
    }

    @Test
    void everyParameterGetsAGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (NetworkSpec spec : new NetworkSpec[] {INR_MLP, CNN, NetworkSpec.mlp(ActivationKind.RELU, 3, 6, 2)}) {
                WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 2, 2, 151);
                HnpLinear layer = EquivarianceCheck.initialise(manager, layer(spec, 2, 3), x);
                TestNetworks.assertEveryParameterGetsAGradient(manager, layer, x.toNDList(), 152);
            }
        }
    }

    @Test
    void parametersSurviveSaveAndLoad() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, CNN, 2, 2, 161);
            HnpLinear layer = EquivarianceCheck.initialise(manager, layer(CNN, 2, 3), x);
            TestNetworks.randomiseParameters(layer, 162);
            EquivarianceCheck.assertSaveLoadRoundTrip(manager, layer, () -> layer(CNN, 2, 3), x.toNDList());
            byte[] saved = EquivarianceCheck.save(layer);
            MalformedModelException wrongSpec = assertThrows(MalformedModelException.class,
                    () -> EquivarianceCheck.load(manager, layer(NetworkSpec.smallCnnZoo(ActivationKind.TANH), 2, 3), saved));
            assertTrue(wrongSpec.getMessage().contains("saved for"), wrongSpec.getMessage());
        }
    }

    @Test
    void singleLayerNetworkIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layer(NetworkSpec.mlp(ActivationKind.RELU, 2, 3), 1, 1));
        assertTrue(e.getMessage().contains("use NpLinear"), e.getMessage());
    }

    @Test
    void deepStackKeepsItsFeatureScale() {
        NpLinearTest.assertDeepStackKeepsScale(true);
    }
}
