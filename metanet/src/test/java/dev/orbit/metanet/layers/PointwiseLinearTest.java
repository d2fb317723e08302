package dev.orbit.metanet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationAction;
import dev.orbit.metanet.testing.TestNetworks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PointwiseLinearTest {

    private static final NetworkSpec MLP = NetworkSpec.mlp(ActivationKind.RELU, 2, 32, 32, 1);
    private static final NetworkSpec CNN = NetworkSpec.smallCnnZoo(ActivationKind.RELU);

    private static PointwiseLinear initialised(NDManager manager, NetworkSpec spec, WeightSpaceFeatures x, long seed) {
        PointwiseLinear layer = PointwiseLinear.builder().setNetworkSpec(spec).setOutChannels(3).build();
        layer.initialize(manager, DataType.FLOAT32, TestNetworks.shapesOf(x.toNDList()));
        TestNetworks.randomiseParameters(layer, seed);
        return layer;
    }

    @Test
    void equivariantUnderHiddenPermutationsWithComputedShapes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (NetworkSpec spec : new NetworkSpec[] {MLP, CNN}) {
                WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 2, 2, 61);
                PointwiseLinear layer = initialised(manager, spec, x, 62);
                PermutationAction g = PermutationAction.random(spec, 63);
                WeightSpaceFeatures fgx = WeightSpaceActivationTest.apply(manager, layer, g.apply(x));
                WeightSpaceFeatures gfx = g.apply(WeightSpaceActivationTest.apply(manager, layer, x));
                assertEquals(0f, TestNetworks.maxAbsDiff(fgx, gfx), 1e-4f);
                assertArrayEquals(layer.getOutputShapes(TestNetworks.shapesOf(x.toNDList())),
                        TestNetworks.shapesOf(fgx.toNDList()));
            }
            WeightSpaceFeatures cnn = TestNetworks.randomFeatures(manager, CNN, 1, 2, 64);
            assertEquals(new Shape(1, 16, 16, 27),
                    WeightSpaceActivationTest.apply(manager, initialised(manager, CNN, cnn, 65), cnn).weight(1).getShape());
        }
    }

    @Test
    void entriesDoNotInteract() {
        // The ablation's defining property: changing one entry changes that entry's output only
        // (an NP layer would move every entry of the layer through its pooled terms).
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, MLP, 2, 2, 71);
            PointwiseLinear layer = initialised(manager, MLP, x, 72);
            List<NDArray> w = new ArrayList<>(x.weights());
            w.set(1, x.weight(1).duplicate());
            NDIndex entry = new NDIndex("0, 3, 5");
            w.get(1).set(entry, w.get(1).get(entry).add(10f));
            WeightSpaceFeatures y0 = WeightSpaceActivationTest.apply(manager, layer, x);
            WeightSpaceFeatures y1 = WeightSpaceActivationTest.apply(manager, layer, WeightSpaceFeatures.of(w, x.biases()));
            NDArray delta = y1.weight(1).sub(y0.weight(1)).abs(); // (B, 32, 32, 3)
            assertTrue(delta.get(entry).min().getFloat() > 1e-2f, "the changed entry's output moves");
            delta.set(entry, 0f);
            assertEquals(0f, delta.max().getFloat(), 0f, "no other entry of W_1 moves");
            for (int l : new int[] {0, 2}) {
                assertEquals(0f, TestNetworks.maxAbsDiff(y0.weight(l), y1.weight(l)), 0f);
            }
            for (int l = 0; l < 3; l++) {
                assertEquals(0f, TestNetworks.maxAbsDiff(y0.bias(l), y1.bias(l)), 0f);
            }
        }
    }

    @Test
    void everyParameterGetsAGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NetworkSpec spec = NetworkSpec.smallCnnZoo(ActivationKind.RELU);
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 2, 2, 81);
            PointwiseLinear layer = initialised(manager, spec, x, 82);
            TestNetworks.assertEveryParameterGetsAGradient(manager, layer, x.toNDList(), 83);
        }
    }

    @Test
    void builderAndShapeValidation() {
        assertThrows(IllegalArgumentException.class, () -> PointwiseLinear.builder().setNetworkSpec(MLP).build());
        assertThrows(IllegalArgumentException.class, () -> PointwiseLinear.builder().setOutChannels(2).build());
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures mlpFeatures = TestNetworks.randomFeatures(manager, MLP, 1, 1, 1);
            PointwiseLinear cnnLayer = PointwiseLinear.builder().setNetworkSpec(CNN).setOutChannels(2).build();
            assertThrows(IllegalArgumentException.class, () -> cnnLayer.initialize(
                    manager, DataType.FLOAT32, TestNetworks.shapesOf(mlpFeatures.toNDList())));
        }
    }
}
