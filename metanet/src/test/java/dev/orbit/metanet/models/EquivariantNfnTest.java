package dev.orbit.metanet.models;

import static dev.orbit.metanet.models.InvariantNfnTest.CNN;
import static dev.orbit.metanet.models.InvariantNfnTest.INR_MLP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.orbit.metanet.layers.EquivarianceCheck;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationAction;
import dev.orbit.metanet.symmetry.PermutationGroup;
import dev.orbit.metanet.testing.TestNetworks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * EquivariantNfn (NP and HNP): whole stacks commute with hidden permutations, a negative control,
 * gradients to every parameter, save/load. Inputs are seeded N(0, 1) features.
 */
class EquivariantNfnTest {

    /** Float32 round-off through three layers on O(1)-O(10) outputs (observed <= 1.7e-6). */
    private static final float TOLERANCE = 2e-5f;
    /** What an uncoupled permutation must at least produce (observed >= 0.13). */
    private static final float LARGE = 0.05f;

    static EquivariantNfn.Builder small(NetworkSpec spec, PermutationGroup variant) {
        return EquivariantNfn.builder().setNetworkSpec(spec).setVariant(variant)
                .optHiddenChannels(spec == InvariantNfnTest.MNIST_MLP ? new int[] {2} : new int[] {4, 4}); // HNP folds 784 inputs
    }

    @ParameterizedTest(name = "{0} {1}, B={3}, C={4}")
    @MethodSource("dev.orbit.metanet.models.InvariantNfnTest#cases")
    void equivariantToHiddenPermutations(PermutationGroup variant, String name, NetworkSpec spec, int batch, int channels) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(501);
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, batch, channels, 502);
            EquivariantNfn model = EquivarianceCheck.initialise(manager,
                    small(spec, variant).optInChannels(channels).optOutChannels(channels).build(), x);
            float error = EquivarianceCheck.equivarianceError(manager, model, PermutationAction.random(spec, 503), x);
            assertTrue(error <= TOLERANCE, variant + " " + name + ": equivariance error " + error);
            assertArrayEquals(TestNetworks.shapesOf(x.toNDList()),
                    model.getOutputShapes(TestNetworks.shapesOf(x.toNDList())), "C_in = C_out keeps shapes");
        }
    }

    @ParameterizedTest
    @EnumSource(PermutationGroup.class)
    void uncoupledPermutationBreaksEquivariance(PermutationGroup variant) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(511);
            for (NetworkSpec spec : new NetworkSpec[] {INR_MLP, CNN}) {
                WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 1, 1, 512);
                EquivariantNfn model = EquivarianceCheck.initialise(manager, small(spec, variant).build(), x);
                for (int boundary = 1; boundary < spec.numLayers(); boundary++) {
                    float error = EquivarianceCheck.equivarianceError(
                            manager, model, PermutationAction.uncoupled(spec, boundary, 513), x);
                    assertTrue(error > LARGE, variant + " " + spec + ", boundary " + boundary + ": error only " + error);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PermutationGroup.class)
    void encodingsAndScaleKeepHiddenEquivariance(PermutationGroup variant) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(521);
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, INR_MLP, 2, 1, 522);
            EquivariantNfn model = EquivarianceCheck.initialise(manager, small(INR_MLP, variant)
                    .optIoEmbedding(true).optFourierFeatures(4, 1f, 523).optOutputScale(0.5f).build(), x);
            float error = EquivarianceCheck.equivarianceError(manager, model, PermutationAction.random(INR_MLP, 524), x);
            assertTrue(error <= TOLERANCE, variant + " with encodings: equivariance error " + error);
        }
    }

    /** Leaky ReLU keeps this a check of wiring, not of which ReLU units happen to be alive at initialisation. */
    @ParameterizedTest
    @EnumSource(PermutationGroup.class)
    void everyParameterGetsAGradient(PermutationGroup variant) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(531);
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, CNN, 2, 1, 532);
            EquivariantNfn model = EquivarianceCheck.initialise(manager, small(CNN, variant)
                    .optIoEmbedding(true).optFourierFeatures(4, 1f, 533).optFeatureDropout(0.1f).optOutputScale(0.01f)
                    .optActivation(ActivationKind.LEAKY_RELU).build(), x);
            TestNetworks.assertEveryParameterGetsAGradient(manager, model, x.toNDList(), 534);
        }
    }

    @ParameterizedTest
    @EnumSource(PermutationGroup.class)
    void parametersSurviveSaveAndLoad(PermutationGroup variant) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(541);
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, CNN, 2, 1, 542);
            EquivariantNfn model = EquivarianceCheck.initialise(manager, small(CNN, variant).optOutputScale(0.1f).build(), x);
            TestNetworks.randomiseParameters(model, 543);
            EquivarianceCheck.assertSaveLoadRoundTrip(
                    manager, model, () -> small(CNN, variant).optOutputScale(0.1f).build(), x.toNDList());
        }
    }

    @Test
    void builderIsChecked() {
        assertThrows(IllegalArgumentException.class, () -> EquivariantNfn.builder().setNetworkSpec(CNN).build());
        assertThrows(IllegalArgumentException.class, () -> small(CNN, PermutationGroup.NP).optOutChannels(0).build());
        assertThrows(IllegalArgumentException.class, () -> small(CNN, PermutationGroup.NP).optOutputScale(Float.NaN).build());
        assertEquals(2, small(CNN, PermutationGroup.HNP).optOutChannels(2).build().getOutChannels());
    }
}
