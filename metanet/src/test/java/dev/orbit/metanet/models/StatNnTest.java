package dev.orbit.metanet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatNnTest {

    private static final NetworkSpec MLP = NetworkSpec.mlp(ActivationKind.RELU, 2, 32, 32, 1);
    private static final NetworkSpec CNN = NetworkSpec.smallCnnZoo(ActivationKind.RELU);

    static StatNn statNn(NDManager manager, NetworkSpec spec, NDList inputs, int seed) {
        StatNn model = StatNn.builder()
                .setNetworkSpec(spec)
                .setHead(MlpHead.builder().setHiddenWidth(32).setDepth(2).setOutputSize(1).build())
                .build();
        Engine.getInstance().setRandomSeed(seed);
        model.initialize(manager, DataType.FLOAT32, TestNetworks.shapesOf(inputs));
        return model;
    }

    @Test
    void invariantUnderHiddenPermutations() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (NetworkSpec spec : new NetworkSpec[] {MLP, CNN}) {
                for (int batch : new int[] {1, 3}) {
                    WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, batch, 1, 201 + batch);
                    StatNn model = statNn(manager, spec, x.toNDList(), 202);
                    NDArray y = TestNetworks.forward(manager, model, x.toNDList(), false).singletonOrThrow();
                    NDArray gy = TestNetworks.forward(
                            manager, model, PermutationAction.random(spec, 203).apply(x).toNDList(), false).singletonOrThrow();
                    assertEquals(new Shape(batch, 1), y.getShape());
                    assertArrayEquals(model.getOutputShapes(TestNetworks.shapesOf(x.toNDList())), new Shape[] {y.getShape()});
                    assertEquals(0f, TestNetworks.maxAbsDiff(y, gy), 1e-5f);
                    assertEquals(new Shape(batch, 14 * spec.numLayers()), StatNn.statistics(x.toNDList()).getShape());
                }
            }
        }
    }

    @Test
    void statisticsMatchValuesComputedByHand() {
        // MLP 2 -> 3 -> 1 with hand-picked values; quantiles as numpy.percentile (linear).
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, 2, 3, 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDArray> params = List.of(
                    manager.create(new float[] {4, 1, 6, 3, 5, 2}, new Shape(3, 2)), // W_0: 1..6
                    manager.create(new float[] {-1, 4, 2}), // b_0
                    manager.create(new float[] {0.5f, -2, 7}, new Shape(1, 3)), // W_1
                    manager.create(new float[] {9})); // b_1
            NDList features = WeightSpaceFeatures.fromParameters(spec, params).toNDList();
            float[] expected = {
                3.5f, 35f / 12, 1, 2.25f, 3.5f, 4.75f, 6, // W_0: mean, var, q0, q25, q50, q75, q100
                5f / 3, 38f / 9, -1, 0.5f, 2, 3, 4, // b_0
                11f / 6, 259f / 18, -2, -0.75f, 0.5f, 3.75f, 7, // W_1
                9, 0, 9, 9, 9, 9, 9, // b_1: a single entry
            };
            assertArrayEquals(expected, StatNn.statistics(features).toFloatArray(), 1e-5f);
            float[] unbiased = StatNn.statistics(features, true).toFloatArray();
            assertEquals(3.5f, unbiased[1], 1e-5f, "W_0 variance with N - 1");
            assertEquals(0f, unbiased[22], 0f, "a single entry has variance 0, not NaN");
        }
    }

    @Test
    void convolutionStatisticsCoverTheWholeKernelTensor() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, CNN, 2, 1, 211);
            float[] stats = StatNn.statistics(x.toNDList()).get(1).toFloatArray(); // network 1
            assertEquals(StatNn.featureCount(CNN, 1), stats.length);
            for (int l = 0; l < CNN.numLayers(); l++) {
                float[] kernel = x.toParameterBatch(CNN).get(2 * l).get(1).toFloatArray(); // (out, in, kh, kw)
                float[] byHand = numpyStats(kernel);
                float[] got = Arrays.copyOfRange(stats, 14 * l, 14 * l + 7);
                assertArrayEquals(byHand, got, 1e-4f, "weights of layer " + l);
            }
        }
    }

    @Test
    void everyParameterGetsAGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, MLP, 3, 1, 221);
            StatNn model = statNn(manager, MLP, x.toNDList(), 222);
            TestNetworks.assertEveryParameterGetsAGradient(manager, model, x.toNDList(), 223);
        }
    }

    @Test
    void saveLoadRoundTripGivesIdenticalOutputs() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList x = TestNetworks.randomFeatures(manager, CNN, 3, 1, 231).toNDList();
            StatNn model = statNn(manager, CNN, x, 232);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            model.saveParameters(new DataOutputStream(bytes));

            StatNn copy = statNn(manager, CNN, x, 233);
            NDArray before = TestNetworks.forward(manager, copy, x, false).singletonOrThrow();
            NDArray expected = TestNetworks.forward(manager, model, x, false).singletonOrThrow();
            assertTrue(TestNetworks.maxAbsDiff(before, expected) > 1e-4f, "another seed must give another model");
            copy.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            NDArray after = TestNetworks.forward(manager, copy, x, false).singletonOrThrow();
            assertEquals(0f, TestNetworks.maxAbsDiff(expected, after), 0f);
        }
    }

    /** Mean, population variance and numpy-default percentiles 0/25/50/75/100, in double. */
    static float[] numpyStats(float[] values) {
        double[] v = new double[values.length];
        double mean = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i];
            mean += v[i] / v.length;
        }
        double var = 0;
        for (double d : v) {
            var += (d - mean) * (d - mean) / v.length;
        }
        Arrays.sort(v);
        float[] out = new float[7];
        out[0] = (float) mean;
        out[1] = (float) var;
        double[] qs = {0, 0.25, 0.5, 0.75, 1};
        for (int i = 0; i < qs.length; i++) {
            double pos = qs[i] * (v.length - 1);
            int lo = (int) Math.floor(pos);
            int hi = Math.min(lo + 1, v.length - 1);
            out[2 + i] = (float) (v[lo] + (pos - lo) * (v[hi] - v[lo]));
        }
        return out;
    }
}
