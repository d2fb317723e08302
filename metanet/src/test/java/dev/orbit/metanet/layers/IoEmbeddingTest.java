package dev.orbit.metanet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationAction;
import dev.orbit.metanet.testing.TestNetworks;
import org.junit.jupiter.api.Test;

class IoEmbeddingTest {

    private static final NetworkSpec MLP = NetworkSpec.mlp(ActivationKind.RELU, 2, 32, 32, 1);
    private static final NetworkSpec MLP3 = NetworkSpec.mlp(ActivationKind.RELU, 3, 8, 4);
    private static final NetworkSpec CNN = NetworkSpec.smallCnnZoo(ActivationKind.RELU);

    private static IoEmbedding initialised(NDManager manager, NetworkSpec spec, WeightSpaceFeatures x) {
        IoEmbedding embedding = IoEmbedding.builder().setNetworkSpec(spec).build();
        ai.djl.engine.Engine.getInstance().setRandomSeed(91);
        embedding.initialize(manager, DataType.FLOAT32, TestNetworks.shapesOf(x.toNDList()));
        return embedding;
    }

    @Test
    void equivariantUnderHiddenPermutations() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (NetworkSpec spec : new NetworkSpec[] {MLP, CNN}) {
                WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 2, 2, 92);
                IoEmbedding embedding = initialised(manager, spec, x);
                PermutationAction g = PermutationAction.random(spec, 93);
                WeightSpaceFeatures fgx = WeightSpaceActivationTest.apply(manager, embedding, g.apply(x));
                WeightSpaceFeatures gfx = g.apply(WeightSpaceActivationTest.apply(manager, embedding, x));
                assertEquals(0f, TestNetworks.maxAbsDiff(fgx, gfx), 1e-5f);
                assertArrayEquals(embedding.getOutputShapes(TestNetworks.shapesOf(x.toNDList())),
                        TestNetworks.shapesOf(fgx.toNDList()));
            }
        }
    }

    @Test
    void negativeControlPermutingInputOrOutputNeuronsIsNotASymmetry() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, MLP3, 2, 2, 94);
            IoEmbedding embedding = initialised(manager, MLP3, x);
            int[][] inputOnly = {{2, 0, 1}, identity(8), identity(4)};
            int[][] outputOnly = {identity(3), identity(8), {3, 2, 1, 0}};
            for (int[][] perms : new int[][][] {inputOnly, outputOnly}) {
                PermutationAction g = PermutationAction.of(MLP3, perms);
                WeightSpaceFeatures fgx = WeightSpaceActivationTest.apply(manager, embedding, g.apply(x));
                WeightSpaceFeatures gfx = g.apply(WeightSpaceActivationTest.apply(manager, embedding, x));
                float diff = TestNetworks.maxAbsDiff(fgx, gfx);
                assertTrue(diff > 0.5f, "the embedding must break input/output symmetry, max diff " + diff);
            }
        }
    }

    @Test
    void embeddingShapesFollowNfn() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, CNN, 1, 2, 95);
            IoEmbedding embedding = initialised(manager, CNN, x);
            // in: (n_0, C * f_0) = (1, 2 * 9); out: (n_L, C * f_{L-1}) = (10, 2); out bias: (10, 2)
            assertEquals(new Shape(1, 18), embedding.getParameters().get("in_embedding").getArray().getShape());
            assertEquals(new Shape(10, 2), embedding.getParameters().get("out_embedding").getArray().getShape());
            assertEquals(new Shape(10, 2), embedding.getParameters().get("out_bias_embedding").getArray().getShape());
        }
    }

    @Test
    void everyParameterGetsAGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, MLP3, 2, 2, 96);
            IoEmbedding embedding = initialised(manager, MLP3, x);
            TestNetworks.assertEveryParameterGetsAGradient(manager, embedding, x.toNDList(), 97);
        }
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }
}
