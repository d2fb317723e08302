package dev.orbit.metanet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.layers.EquivarianceCheck;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationGroup;
import dev.orbit.metanet.testing.TestNetworks;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code predict(WeightSpaceFeatures)}, the short way to run a model for inference, is the model's
 * forward pass in inference mode: the same numbers, bit for bit, with dropout off. Every model is
 * built with dropout so that the inference and training passes can be told apart.
 */
class PredictTest {

    private static final NetworkSpec MLP = NetworkSpec.mlp(ActivationKind.RELU, 3, 5, 2);
    private static final int BATCH = 4;

    private static MlpHead head() {
        return MlpHead.builder().setHiddenWidth(16).setDepth(1).setOutputSize(2).optDropout(0.5f).build();
    }

    @Test
    void anInvariantModelsPredictionIsItsInferenceForward() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(601);
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, MLP, BATCH, 1, 602);
            List<WeightSpacePredictor> models = List.of(
                    InvariantNfn.builder().setNetworkSpec(MLP).setVariant(PermutationGroup.HNP).setOutputSize(2)
                            .optHiddenChannels(4).optHeadWidth(16).optFeatureDropout(0.5f).optHeadDropout(0.5f).build(),
                    StatNn.builder().setNetworkSpec(MLP).setHead(head()).build(),
                    FlatMlp.builder().setNetworkSpec(MLP).setHead(head()).build());
            for (WeightSpacePredictor model : models) {
                EquivarianceCheck.initialise(manager, model, x);
                NDArray predicted = model.predict(x); // (B, 2)
                NDArray inference = TestNetworks.forward(manager, model, x.toNDList(), false).singletonOrThrow();
                assertEquals(new Shape(BATCH, 2), predicted.getShape(), model.toString());
                assertEquals(0f, TestNetworks.maxAbsDiff(inference, predicted), 0f, model + ": predict is the inference pass");
                assertEquals(0f, TestNetworks.maxAbsDiff(predicted, model.predict(x)), 0f, model + ": deterministic");

                // Negative control: the training pass drops units, so the comparison above could fail.
                NDArray training = TestNetworks.forward(manager, model, x.toNDList(), true).singletonOrThrow();
                assertTrue(TestNetworks.maxAbsDiff(training, predicted) > 0f, model + ": dropout is active in training");
            }
        }
    }

    @Test
    void anEquivariantModelsPredictionIsFeaturesOfTheSameNetworks() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(611);
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, MLP, BATCH, 1, 612);
            EquivariantNfn model = EquivarianceCheck.initialise(manager, EquivariantNfn.builder().setNetworkSpec(MLP)
                    .setVariant(PermutationGroup.HNP).optHiddenChannels(4).optOutChannels(2).optFeatureDropout(0.5f)
                    .build(), x);
            WeightSpaceFeatures edit = model.predict(x);
            WeightSpaceFeatures inference = WeightSpaceFeatures.fromNDList(
                    TestNetworks.forward(manager, model, x.toNDList(), false));
            assertArrayEquals(model.getOutputShapes(TestNetworks.shapesOf(x.toNDList())), TestNetworks.shapesOf(edit.toNDList()));
            assertEquals(0f, TestNetworks.maxAbsDiff(inference, edit), 0f, "predict is the inference pass");

            WeightSpaceFeatures training = WeightSpaceFeatures.fromNDList(
                    TestNetworks.forward(manager, model, x.toNDList(), true));
            assertTrue(TestNetworks.maxAbsDiff(training, edit) > 0f, "dropout is active in training");
        }
    }
}
