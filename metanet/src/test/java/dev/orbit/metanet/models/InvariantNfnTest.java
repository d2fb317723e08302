package dev.orbit.metanet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.layers.EquivarianceCheck;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationAction;
import dev.orbit.metanet.symmetry.PermutationGroup;
import dev.orbit.metanet.testing.TestNetworks;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * InvariantNfn (NP and HNP): the same prediction for every network on a permutation orbit, a
 * negative control, gradients to every parameter, save/load. Inputs are seeded N(0, 1) features.
 */
class InvariantNfnTest {

    /** Float32 round-off through the stack and head (observed <= 1.2e-6 on outputs of order 0.1-1). */
    private static final float TOLERANCE = 1e-5f;
    /**
     * An uncoupled permutation must move the prediction by more than this, 10x the tolerance
     * (observed 9e-4 to 4e-2: pooled means ignore it, only the layers' neuron terms see it).
     */
    private static final float CHANGED = 1e-4f;

    static final NetworkSpec INR_MLP = NetworkSpec.mlp(ActivationKind.SINE, 2, 32, 32, 1);
    static final NetworkSpec MNIST_MLP = NetworkSpec.mlp(ActivationKind.RELU, 784, 64, 64, 10);
    static final NetworkSpec CNN = NetworkSpec.smallCnnZoo(ActivationKind.RELU);

    /** (variant, spec, batch, input channels): every spec, C = 1 and C > 1, batch 1 and > 1. */
    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (PermutationGroup variant : PermutationGroup.values()) {
            cases.add(Arguments.of(variant, "mlp 2-32-32-1", INR_MLP, 3, 1));
            cases.add(Arguments.of(variant, "mlp 2-32-32-1", INR_MLP, 1, 2));
            cases.add(Arguments.of(variant, "mlp 784-64-64-10", MNIST_MLP, 1, 1));
            cases.add(Arguments.of(variant, "mlp 784-64-64-10", MNIST_MLP, 2, 2));
            cases.add(Arguments.of(variant, "small cnn zoo", CNN, 3, 1));
            cases.add(Arguments.of(variant, "small cnn zoo", CNN, 1, 2));
        }
        return cases.build();
    }

    /** A small model: the architecture of NFN's predictor with fewer channels and a narrower head. */
    static InvariantNfn.Builder small(NetworkSpec spec, PermutationGroup variant) {
        return InvariantNfn.builder().setNetworkSpec(spec).setVariant(variant).setOutputSize(3)
                .optHiddenChannels(spec == MNIST_MLP ? new int[] {2, 2} : new int[] {4, 4, 2}) // HNP folds 784 inputs
                .optHeadWidth(32).optHeadDepth(2);
    }

    @ParameterizedTest(name = "{0} {1}, B={3}, C={4}")
    @MethodSource("cases")
    void invariantToHiddenPermutations(PermutationGroup variant, String name, NetworkSpec spec, int batch, int channels) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(401);
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, batch, channels, 402);
            InvariantNfn model = EquivarianceCheck.initialise(manager, small(spec, variant).optInChannels(channels).build(), x);
            float error = EquivarianceCheck.invarianceError(manager, model, PermutationAction.random(spec, 403), x);
            assertTrue(error <= TOLERANCE, variant + " " + name + ": invariance error " + error);

            NDArray out = EquivarianceCheck.applyInvariant(manager, model, x);
            assertEquals(new Shape(batch, 3), out.getShape());
            assertArrayEquals(new Shape[] {out.getShape()}, model.getOutputShapes(TestNetworks.shapesOf(x.toNDList())));
        }
    }

    @ParameterizedTest
    @EnumSource(PermutationGroup.class)
    void uncoupledPermutationChangesThePrediction(PermutationGroup variant) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(411);
            for (NetworkSpec spec : new NetworkSpec[] {INR_MLP, CNN}) {
                WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 1, 1, 412);
                InvariantNfn model = EquivarianceCheck.initialise(manager, small(spec, variant).build(), x);
                for (int boundary = 1; boundary < spec.numLayers(); boundary++) {
                    float error = EquivarianceCheck.invarianceError(
                            manager, model, PermutationAction.uncoupled(spec, boundary, 413), x);
                    assertTrue(error > CHANGED, variant + " " + spec + ", boundary " + boundary + ": changed only " + error);
                }
            }
        }
    }

    /** With a learned input/output embedding and Fourier features the model stays invariant to hidden permutations. */
    @ParameterizedTest
    @EnumSource(PermutationGroup.class)
    void encodingsKeepHiddenInvariance(PermutationGroup variant) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(421);
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, CNN, 2, 1, 422);
            InvariantNfn model = EquivarianceCheck.initialise(manager,
                    small(CNN, variant).optIoEmbedding(true).optFourierFeatures(4, 1f, 423).optFeatureDropout(0.1f).build(), x);
            float error = EquivarianceCheck.invarianceError(manager, model, PermutationAction.random(CNN, 424), x);
            assertTrue(error <= TOLERANCE, variant + " with encodings: invariance error " + error);
        }
    }

    /**
     * Leaky ReLU keeps this a check of wiring: with plain ReLU a narrow layer's whole bias output
     * can be negative at initialisation, and a dead unit rightly passes no gradient.
     */
    @ParameterizedTest
    @EnumSource(PermutationGroup.class)
    void everyParameterGetsAGradient(PermutationGroup variant) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(431);
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, CNN, 2, 1, 432);
            InvariantNfn model = EquivarianceCheck.initialise(manager,
                    small(CNN, variant).optIoEmbedding(true).optFourierFeatures(4, 1f, 433).optHeadDropout(0.1f)
                            .optActivation(ActivationKind.LEAKY_RELU).build(), x);
            TestNetworks.assertEveryParameterGetsAGradient(manager, model, x.toNDList(), 434);
        }
    }

    @ParameterizedTest
    @EnumSource(PermutationGroup.class)
    void parametersSurviveSaveAndLoad(PermutationGroup variant) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(441);
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, CNN, 2, 1, 442);
            InvariantNfn model = EquivarianceCheck.initialise(manager, small(CNN, variant).optIoEmbedding(true).build(), x);
            EquivarianceCheck.assertSaveLoadRoundTrip(
                    manager, model, () -> small(CNN, variant).optIoEmbedding(true).build(), x.toNDList());
        }
    }

    /**
     * Appending the StatNN statistics (NFN's append_stats) keeps the model invariant, widens the
     * head's input by 14 per layer and channel, and the statistics reach the output: a model whose
     * equivariant part is identical predicts differently once the head also reads them.
     */
    @ParameterizedTest
    @EnumSource(PermutationGroup.class)
    void appendedStatisticsKeepInvarianceAndReachTheHead(PermutationGroup variant) {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (NetworkSpec spec : new NetworkSpec[] {INR_MLP, CNN}) {
                Engine.getInstance().setRandomSeed(451);
                WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 2, 2, 452);
                InvariantNfn model = EquivarianceCheck.initialise(manager,
                        small(spec, variant).optInChannels(2).optAppendStatistics(true)
                                .optActivation(ActivationKind.LEAKY_RELU).build(), x); // no dead units: see below
                float error = EquivarianceCheck.invarianceError(manager, model, PermutationAction.random(spec, 453), x);
                assertTrue(error <= TOLERANCE, variant + " " + spec + " with statistics: invariance error " + error);
                Shape headIn = model.getHead().getParameters().get(0).getValue().getArray().getShape();
                assertEquals(model.getPooledSize() + StatNn.featureCount(spec, 2), headIn.get(1), "head input width");
                TestNetworks.assertEveryParameterGetsAGradient(manager, model, x.toNDList(), 454);
                // The statistics reach the output: cutting their columns of the first head layer changes it.
                NDArray with = EquivarianceCheck.applyInvariant(manager, model, x);
                NDArray w = model.getHead().getParameters().get(0).getValue().getArray();
                w.set(new ai.djl.ndarray.index.NDIndex(":, {}:", model.getPooledSize()), 0f);
                NDArray without = EquivarianceCheck.applyInvariant(manager, model, x);
                assertTrue(with.sub(without).abs().max().getFloat() > CHANGED, "statistics must change the prediction");
            }
        }
    }

    /** NFN's NP predictor: NP layers with an I/O embedding, pooled with HNP; invariant to hidden permutations. */
    @Test
    void npLayersWithHnpPoolingStayInvariantAndPoolAsHnp() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(461);
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, CNN, 2, 1, 462);
            InvariantNfn model = EquivarianceCheck.initialise(manager, small(CNN, PermutationGroup.NP).optIoEmbedding(true)
                    .optPoolVariant(PermutationGroup.HNP).build(), x);
            float error = EquivarianceCheck.invarianceError(manager, model, PermutationAction.random(CNN, 463), x);
            assertTrue(error <= TOLERANCE, "invariance error " + error);
            assertEquals(small(CNN, PermutationGroup.HNP).build().getPooledSize(), model.getPooledSize());
            // Negative control: NP pooling of the same layers is a smaller summary.
            assertTrue(small(CNN, PermutationGroup.NP).build().getPooledSize() < model.getPooledSize());
        }
    }

    @Test
    void defaultsAreNfnsPredictor() {
        InvariantNfn model = InvariantNfn.builder().setNetworkSpec(CNN).setVariant(PermutationGroup.HNP).setOutputSize(1).build();
        assertArrayEquals(new int[] {16, 16, 5}, model.getHiddenChannels());
        assertEquals(250, model.getPooledSize()); // NFN's HNP head reads 5 channels x 50 pooled values
    }

    @Test
    void builderIsChecked() {
        assertThrows(IllegalArgumentException.class, () -> InvariantNfn.builder().setVariant(PermutationGroup.NP).setOutputSize(1).build());
        assertThrows(IllegalArgumentException.class, () -> InvariantNfn.builder().setNetworkSpec(CNN).setOutputSize(1).build());
        assertThrows(IllegalArgumentException.class, () -> small(CNN, PermutationGroup.NP).setOutputSize(0).build());
        assertThrows(IllegalArgumentException.class, () -> small(CNN, PermutationGroup.NP).optHiddenChannels(4, 0).build());
        assertThrows(IllegalArgumentException.class, () -> small(CNN, PermutationGroup.NP).optHeadDropout(1f).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> small(NetworkSpec.mlp(ActivationKind.RELU, 2, 3), PermutationGroup.HNP).build());
        assertTrue(e.getMessage().contains("PermutationGroup.NP"), e.getMessage());
    }
}
