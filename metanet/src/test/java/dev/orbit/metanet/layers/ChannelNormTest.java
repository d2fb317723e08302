package dev.orbit.metanet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationAction;
import dev.orbit.metanet.testing.TestNetworks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelNormTest {

    private static final NetworkSpec MLP = NetworkSpec.mlp(ActivationKind.RELU, 2, 32, 32, 1);
    private static final NetworkSpec CNN = NetworkSpec.smallCnnZoo(ActivationKind.RELU);

    private static ChannelNorm initialised(NDManager manager, NetworkSpec spec, WeightSpaceFeatures x, long seed) {
        ChannelNorm norm = ChannelNorm.builder().setNetworkSpec(spec).build();
        norm.initialize(manager, DataType.FLOAT32, TestNetworks.shapesOf(x.toNDList()));
        TestNetworks.randomiseParameters(norm, seed); // a non-trivial affine map
        return norm;
    }

    @Test
    void equivariantUnderHiddenPermutations() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (NetworkSpec spec : new NetworkSpec[] {MLP, CNN}) {
                WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 3, 2, 21);
                ChannelNorm norm = initialised(manager, spec, x, 22);
                PermutationAction g = PermutationAction.random(spec, 23);
                WeightSpaceFeatures fgx = WeightSpaceActivationTest.apply(manager, norm, g.apply(x));
                WeightSpaceFeatures gfx = g.apply(WeightSpaceActivationTest.apply(manager, norm, x));
                assertEquals(0f, TestNetworks.maxAbsDiff(fgx, gfx), 1e-4f);
                assertArrayEquals(norm.getOutputShapes(TestNetworks.shapesOf(x.toNDList())),
                        TestNetworks.shapesOf(fgx.toNDList()));
            }
        }
    }

    @Test
    void normalisesEachNetworkLayerAndChannelOverNeurons() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, CNN, 2, 2, 31);
            // Give channel 0 of network 1 a huge scale and offset: with per-network, per-channel
            // statistics nothing else may move, and its own output must not change either.
            List<NDArray> w = new ArrayList<>();
            List<NDArray> b = new ArrayList<>();
            for (int l = 0; l < x.numLayers(); l++) {
                w.add(x.weight(l).duplicate());
                b.add(x.bias(l).duplicate());
                long f = CNN.layer(l).filterSize();
                NDIndex channel0 = new NDIndex("1, :, :, 0:{}", f); // weight channels c * f + k, c = 0
                w.get(l).set(channel0, w.get(l).get(channel0).mul(100f).add(7f));
                NDIndex biasChannel0 = new NDIndex("1, :, 0");
                b.get(l).set(biasChannel0, b.get(l).get(biasChannel0).mul(100f).add(7f));
            }
            WeightSpaceFeatures scaled = WeightSpaceFeatures.of(w, b);
            ChannelNorm norm = ChannelNorm.builder().setNetworkSpec(CNN).build(); // gamma 1, beta 0
            norm.initialize(manager, DataType.FLOAT32, TestNetworks.shapesOf(x.toNDList()));
            WeightSpaceFeatures y = WeightSpaceActivationTest.apply(manager, norm, x);
            assertEquals(0f, TestNetworks.maxAbsDiff(y, WeightSpaceActivationTest.apply(manager, norm, scaled)), 1e-4f);

            for (int l = 0; l < y.numLayers(); l++) {
                NDArray byChannel = y.weight(l).reshape(2, -1, y.weight(l).getShape().get(3)); // (B, entries, C_l)
                assertEquals(0f, WeightSpaceActivationTest.maxAbs(byChannel.mean(new int[] {1})), 1e-5f, "mean, W_" + l);
                NDArray variance = byChannel.square().mean(new int[] {1});
                assertEquals(0f, WeightSpaceActivationTest.maxAbs(variance.sub(1f)), 1e-3f, "variance, W_" + l);
            }
        }
    }

    @Test
    void passesASingleNeuronTensorThroughWithTheAffineMapOnly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, MLP, 2, 1, 41);
            ChannelNorm norm = ChannelNorm.builder().setNetworkSpec(MLP).build();
            norm.initialize(manager, DataType.FLOAT32, TestNetworks.shapesOf(x.toNDList()));
            WeightSpaceFeatures y = WeightSpaceActivationTest.apply(manager, norm, x);
            // b_2 has one neuron: no statistics to take; identity affine leaves it as it was.
            assertEquals(0f, TestNetworks.maxAbsDiff(x.bias(2), y.bias(2)), 0f);
        }
    }

    @Test
    void everyParameterGetsAGradient() {
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, 3, 5, 4, 2);
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 2, 2, 51);
            ChannelNorm norm = initialised(manager, spec, x, 52);
            TestNetworks.assertEveryParameterGetsAGradient(manager, norm, x.toNDList(), 53);
        }
    }

    @Test
    void rejectsFeaturesOfAnotherArchitecture() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList other = TestNetworks.randomFeatures(manager, NetworkSpec.mlp(ActivationKind.RELU, 2, 8, 1), 1, 1, 1)
                    .toNDList();
            ChannelNorm norm = ChannelNorm.builder().setNetworkSpec(MLP).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> norm.initialize(manager, DataType.FLOAT32, TestNetworks.shapesOf(other)));
            assertEquals(true, e.getMessage().contains("expects 6 weight-space tensors"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ChannelNorm.builder().build());
    }
}
