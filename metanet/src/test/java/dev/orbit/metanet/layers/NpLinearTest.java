package dev.orbit.metanet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.SequentialBlock;
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
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NpLinear: equivariance to every neuron permutation, with a negative control, gradients, shapes,
 * save/load and initialisation scale. Features are seeded N(0, 1).
 */
class NpLinearTest {

    /** Float32 round-off of means and channel mixes on O(1)-O(10) outputs (observed <= 5e-7). */
    static final float TOLERANCE = 1e-5f;
    /** What a broken symmetry must at least produce (observed >= 0.5 on these seeds). */
    static final float LARGE = 0.1f;

    static final NetworkSpec INR_MLP = NetworkSpec.mlp(ActivationKind.SINE, 2, 32, 32, 1);
    static final NetworkSpec MNIST_MLP = NetworkSpec.mlp(ActivationKind.RELU, 784, 64, 64, 10);
    static final NetworkSpec CNN = NetworkSpec.smallCnnZoo(ActivationKind.RELU);

    /** (spec, batch, C_in, C_out): each spec with C = 1 and C > 1, batch 1 and batch > 1. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("mlp 2-32-32-1", INR_MLP, 1, 1, 4),
                Arguments.of("mlp 2-32-32-1", INR_MLP, 3, 3, 2),
                Arguments.of("mlp 784-64-64-10", MNIST_MLP, 1, 1, 2),
                Arguments.of("mlp 784-64-64-10", MNIST_MLP, 2, 2, 2),
                Arguments.of("small cnn zoo", CNN, 1, 1, 3),
                Arguments.of("small cnn zoo", CNN, 3, 2, 3));
    }

    static NpLinear layer(NetworkSpec spec, int in, int out) {
        return NpLinear.builder().setNetworkSpec(spec).optInChannels(in).setOutChannels(out).build();
    }

    @ParameterizedTest(name = "{0}, B={2}, C={3}->{4}")
    @MethodSource("cases")
    void equivariantToHiddenPermutations(String name, NetworkSpec spec, int batch, int in, int out) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, batch, in, 12);
            NpLinear layer = EquivarianceCheck.initialise(manager, layer(spec, in, out), x);
            float error = EquivarianceCheck.equivarianceError(manager, layer, PermutationAction.random(spec, 13), x);
            assertTrue(error <= TOLERANCE, name + ": equivariance error " + error + " > " + TOLERANCE);
        }
    }

    @Test
    void alsoEquivariantToInputAndOutputPermutations() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (NetworkSpec spec : new NetworkSpec[] {INR_MLP, CNN}) {
                WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 2, 2, 21);
                NpLinear layer = EquivarianceCheck.initialise(manager, layer(spec, 2, 3), x);
                for (PermutationAction g : new PermutationAction[] {
                    EquivarianceCheck.reverseInputsAndOutputs(spec), PermutationAction.random(spec, 22, PermutationGroup.NP)
                }) {
                    float error = EquivarianceCheck.equivarianceError(manager, layer, g, x);
                    assertTrue(error <= TOLERANCE, spec + ": NP error under input/output permutations " + error);
                }
            }
        }
    }

    @Test
    void uncoupledPermutationBreaksEquivariance() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (NetworkSpec spec : new NetworkSpec[] {INR_MLP, MNIST_MLP, CNN}) {
                WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 1, 1, 31);
                NpLinear layer = EquivarianceCheck.initialise(manager, layer(spec, 1, 2), x);
                for (int boundary = 1; boundary < spec.numLayers(); boundary++) {
                    float error = EquivarianceCheck.equivarianceError(
                            manager, layer, PermutationAction.uncoupled(spec, boundary, 32), x);
                    assertTrue(error > LARGE, spec + ", boundary " + boundary + ": uncoupled error only " + error);
                }
            }
        }
    }

    @Test
    void outputShapesAreComputedWithoutRunning() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, CNN, 2, 2, 41);
            NpLinear layer = EquivarianceCheck.initialise(manager, layer(CNN, 2, 5), x);
            NDList out = TestNetworks.forward(manager, layer, x.toNDList(), false);
            assertArrayEquals(TestNetworks.shapesOf(out), layer.getOutputShapes(TestNetworks.shapesOf(x.toNDList())));
        }
    }

    @Test
    void everyParameterGetsAGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (NetworkSpec spec : new NetworkSpec[] {INR_MLP, CNN, NetworkSpec.mlp(ActivationKind.RELU, 2, 3)}) {
                WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 2, 2, 51);
                NpLinear layer = EquivarianceCheck.initialise(manager, layer(spec, 2, 3), x);
                TestNetworks.assertEveryParameterGetsAGradient(manager, layer, x.toNDList(), 52);
            }
        }
    }

    @Test
    void parametersSurviveSaveAndLoad() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, CNN, 2, 2, 61);
            NpLinear layer = EquivarianceCheck.initialise(manager, layer(CNN, 2, 3), x);
            TestNetworks.randomiseParameters(layer, 62); // not the constants of a fresh initialisation
            EquivarianceCheck.assertSaveLoadRoundTrip(manager, layer, () -> layer(CNN, 2, 3), x.toNDList());

            byte[] saved = EquivarianceCheck.save(layer);
            MalformedModelException wrongChannels = assertThrows(MalformedModelException.class,
                    () -> EquivarianceCheck.load(manager, layer(CNN, 2, 4), saved));
            assertTrue(wrongChannels.getMessage().contains("2 -> 3 channels"), wrongChannels.getMessage());
        }
    }

    @Test
    void builderAndInputsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> NpLinear.builder().optInChannels(1).setOutChannels(1).build());
        assertThrows(IllegalArgumentException.class, () -> layer(CNN, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> layer(CNN, 1, 0));
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, CNN, 1, 2, 71);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EquivarianceCheck.initialise(manager, layer(CNN, 1, 1), x));
            assertTrue(e.getMessage().contains("C_in = 1"), e.getMessage());
            IllegalArgumentException wrongSpec = assertThrows(IllegalArgumentException.class,
                    () -> EquivarianceCheck.initialise(manager, layer(INR_MLP, 2, 1), x));
            assertTrue(wrongSpec.getMessage().contains("expects 6 arrays"), wrongSpec.getMessage());
        }
    }

    /**
     * Eight layers of 8 channels with ReLU keep the feature scale within a factor 4 of the first
     * layer's (NFN's default U(±1/sqrt(fan-in)) loses a factor ~15 in four layers).
     */
    @Test
    void deepStackKeepsItsFeatureScale() {
        assertDeepStackKeepsScale(false);
    }

    static void assertDeepStackKeepsScale(boolean hnp) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(81);
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, CNN, 2, 1, 82);
            SequentialBlock stack = new SequentialBlock();
            int channels = 1;
            for (int i = 0; i < 8; i++) {
                stack.add(hnp ? HnpLinear.builder().setNetworkSpec(CNN).optInChannels(channels).setOutChannels(8).build()
                        : layer(CNN, channels, 8));
                stack.add(WeightSpaceActivation.of(ActivationKind.RELU));
                channels = 8;
            }
            stack.initialize(manager, DataType.FLOAT32, TestNetworks.shapesOf(x.toNDList()));
            NDList h = x.toNDList();
            float first = 0f;
            for (int i = 0; i < stack.getChildren().size(); i += 2) {
                h = TestNetworks.forward(manager, stack.getChildren().get(i).getValue(), h, false);
                h = TestNetworks.forward(manager, stack.getChildren().get(i + 1).getValue(), h, false);
                float rms = rms(h);
                first = i == 0 ? rms : first;
                assertTrue(rms > first / 4 && rms < first * 4,
                        "layer " + i / 2 + " RMS " + rms + " drifted from the first layer's " + first);
            }
        }
    }

    private static float rms(NDList list) {
        double squares = 0;
        long count = 0;
        for (NDArray a : list) {
            squares += a.square().sum().getFloat();
            count += a.size();
        }
        return (float) Math.sqrt(squares / count);
    }
}
