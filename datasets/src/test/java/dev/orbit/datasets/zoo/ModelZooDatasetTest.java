package dev.orbit.datasets.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Record;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Items are stackable weight-space features with the (normalised) target as label. */
class ModelZooDatasetTest {

    private static final NetworkSpec SPEC = NetworkSpec.mlp(ActivationKind.RELU, 3, 4, 2);

    @Test
    void itemsAreInterleavedFeaturesAndBatchesStack() throws Exception {
        InMemoryZooSource source = zoo();
        ModelZooDataset ds = ModelZooDataset.builder().setSource(source).setTarget("test_accuracy")
                .optRows(new int[] {4, 1, 2}).setSampling(2, false).build();
        ds.prepare(null);
        ds.prepare(null); // idempotent
        assertEquals(3, ds.size());
        try (NDManager manager = NDManager.newBaseManager()) {
            Record r = ds.get(manager, 0);
            NDList data = r.getData();
            assertEquals(4, data.size());
            assertEquals(new Shape(4, 3, 1), data.get(0).getShape());
            assertEquals(new Shape(4, 1), data.get(1).getShape());
            assertEquals(new Shape(2, 4, 1), data.get(2).getShape());
            assertEquals(0.4f, r.getLabels().singletonOrThrow().getFloat(0), 1e-6f);
            assertArrayEquals(source.weights(4), flat(data), 0f);

            Batch first = ds.getData(manager).iterator().next();
            assertEquals(new Shape(2, 4, 3, 1), first.getData().get(0).getShape());
            NDList[] batch = ds.getBatch(manager, new long[] {0, 2});
            assertEquals(new Shape(2, 4, 3, 1), batch[0].get(0).getShape());
            assertEquals(new Shape(2), batch[1].singletonOrThrow().getShape());
            assertArrayEquals(first.getData().get(0).toFloatArray(), batch[0].get(0).get(new ai.djl.ndarray.index.NDIndex("0:1"))
                    .concat(ds.getBatch(manager, new long[] {1})[0].get(0)).toFloatArray(), 0f);
        }
    }

    @Test
    void normalisationAppliesToWeightsAndLabel() throws Exception {
        InMemoryZooSource source = zoo();
        ZooNormalization n = ZooNormalization.fit(source, new int[] {0, 1, 2}, "test_accuracy");
        ModelZooDataset ds = ModelZooDataset.builder().setSource(source).setTarget("test_accuracy").optNormalization(n).build();
        assertEquals(n.normalizeTarget(0.4), ds.label(4), 1e-12);
        assertEquals(0.4, ds.rawTarget(4), 1e-12);
        float[] raw = source.weights(4);
        float[] input = ds.inputWeights(4);
        float wm = (float) n.weightMean(0);
        float ws = (float) (1.0 / n.weightStd(0));
        assertEquals((raw[0] - wm) * ws, input[0], 0f); // layer 0's first weight: the same float maths
        float bm = (float) n.biasMean(1);
        float bs = (float) (1.0 / n.biasStd(1));
        assertEquals((raw[raw.length - 1] - bm) * bs, input[input.length - 1], 0f); // the last bias

    }

    @Test
    void anUnknownTargetIsReportedWithTheKnownOnes() {
        ModelZooDataset ds = ModelZooDataset.builder().setSource(zoo()).setTarget("loss").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ds.prepare(null));
        assertEquals(true, e.getMessage().contains("test_accuracy"));
    }

    private static float[] flat(NDList data) {
        List<Float> out = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            for (float f : data.get(i).toFloatArray()) {
                out.add(f);
            }
        }
        float[] a = new float[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    private static InMemoryZooSource zoo() {
        List<float[]> w = new ArrayList<>();
        double[] acc = new double[6];
        for (int r = 0; r < 6; r++) {
            float[] v = new float[(int) SPEC.parameterCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = r * 100 + i;
            }
            w.add(v);
            acc[r] = 0.1 * r;
        }
        return InMemoryZooSource.of(SPEC, w, Map.of("test_accuracy", acc), null);
    }
}
