package dev.orbit.metanet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationAction;
import dev.orbit.metanet.testing.TestNetworks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

class FlatMlpTest {

    private static final NetworkSpec MLP = NetworkSpec.mlp(ActivationKind.RELU, 2, 32, 32, 1);
    private static final NetworkSpec CNN = NetworkSpec.smallCnnZoo(ActivationKind.RELU);

    static FlatMlp flatMlp(NDManager manager, NetworkSpec spec, NDList inputs, int seed) {
        FlatMlp model = FlatMlp.builder()
                .setNetworkSpec(spec)
                .setHead(MlpHead.builder().setHiddenWidth(32).setDepth(2).setOutputSize(1).build())
                .build();
        Engine.getInstance().setRandomSeed(seed);
        model.initialize(manager, DataType.FLOAT32, TestNetworks.shapesOf(inputs));
        return model;
    }

    @Test
    void negativeControlNotInvariantUnderPermutations() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (NetworkSpec spec : new NetworkSpec[] {MLP, CNN}) {
                WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 3, 1, 301);
                FlatMlp model = flatMlp(manager, spec, x.toNDList(), 302);
                NDArray y = TestNetworks.forward(manager, model, x.toNDList(), false).singletonOrThrow();
                NDArray gy = TestNetworks.forward(
                        manager, model, PermutationAction.random(spec, 303).apply(x).toNDList(), false).singletonOrThrow();
                assertEquals(new Shape(3, 1), y.getShape());
                assertArrayEquals(model.getOutputShapes(TestNetworks.shapesOf(x.toNDList())), new Shape[] {y.getShape()});
                float diff = TestNetworks.maxAbsDiff(y, gy);
                assertTrue(diff > 0.1f, "a flat MLP must see a permuted network as another one, max diff " + diff);
            }
        }
    }

    @Test
    void readsTheCanonicalFlatVector() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, CNN, 2, 1, 311);
            FlatMlp model = flatMlp(manager, CNN, x.toNDList(), 312);
            MlpHead head = model.getHead();
            NDArray viaHead = TestNetworks.forward(manager, head, new NDList(x.toFlat(CNN)), false).singletonOrThrow();
            NDArray viaModel = TestNetworks.forward(manager, model, x.toNDList(), false).singletonOrThrow();
            assertEquals(0f, TestNetworks.maxAbsDiff(viaHead, viaModel), 0f);
            assertEquals(new Shape(32, 4970), head.getParameters().valueAt(0).getArray().getShape());
        }
    }

    @Test
    void rejectsMultiChannelFeatures() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList twoChannels = TestNetworks.randomFeatures(manager, MLP, 1, 2, 321).toNDList();
            FlatMlp model = FlatMlp.builder().setNetworkSpec(MLP)
                    .setHead(MlpHead.builder().setDepth(0).setOutputSize(1).build()).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.initialize(manager, DataType.FLOAT32, TestNetworks.shapesOf(twoChannels)));
            assertTrue(e.getMessage().contains("raw weights (C = 1)"), e.getMessage());
        }
    }

    @Test
    void everyParameterGetsAGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, MLP, 3, 1, 331);
            FlatMlp model = flatMlp(manager, MLP, x.toNDList(), 332);
            TestNetworks.assertEveryParameterGetsAGradient(manager, model, x.toNDList(), 333);
        }
    }

    @Test
    void saveLoadRoundTripGivesIdenticalOutputs() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList x = TestNetworks.randomFeatures(manager, MLP, 3, 1, 341).toNDList();
            FlatMlp model = flatMlp(manager, MLP, x, 342);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            model.saveParameters(new DataOutputStream(bytes));

            FlatMlp copy = flatMlp(manager, MLP, x, 343);
            NDArray expected = TestNetworks.forward(manager, model, x, false).singletonOrThrow();
            assertTrue(TestNetworks.maxAbsDiff(expected, TestNetworks.forward(manager, copy, x, false).singletonOrThrow())
                    > 1e-4f, "another seed must give another model");
            copy.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            NDArray after = TestNetworks.forward(manager, copy, x, false).singletonOrThrow();
            assertEquals(0f, TestNetworks.maxAbsDiff(expected, after), 0f);
        }
    }
}
