package dev.orbit.training.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import dev.orbit.datasets.io.NpyArray;
import dev.orbit.datasets.io.SafeTensors;
import dev.orbit.datasets.zoo.ArchitectureMismatchException;
import dev.orbit.datasets.zoo.InMemoryZooSource;
import dev.orbit.datasets.zoo.ModelZooDataset;
import dev.orbit.datasets.zoo.ZooNormalization;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.training.model.MetanetConfig;
import dev.orbit.training.model.MetanetFactory;
import dev.orbit.training.fit.MetanetTrainer;
import dev.orbit.training.model.RunProvenance;
import dev.orbit.zoo.format.Provenance;
import dev.orbit.training.fit.SyntheticZoo;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved metanet loads back with the same predictions, and reads weights files of its architecture only. */
class TrainedMetanetTest {

    @Test
    void saveLoadRoundTripKeepsPredictions(@TempDir Path dir) throws Exception {
        InMemoryZooSource zoo = SyntheticZoo.create(20, 2, false);
        int[] rows = {0, 1, 2, 3, 4, 5, 6, 7};
        ZooNormalization norm = ZooNormalization.fit(zoo, rows, "test_accuracy");
        MetanetConfig config = MetanetConfig.defaults("nfn-np").withHiddenChannels(4).withHeadWidth(8).withHeadDepth(1);
        ModelZooDataset data = ModelZooDataset.builder().setSource(zoo).setTarget("test_accuracy").optNormalization(norm).build();
        double[] before;
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = MetanetFactory.create(config, zoo.spec());
            block.initialize(manager, DataType.FLOAT32, data.getBatch(manager, new long[] {0})[0].getShapes());
            before = MetanetTrainer.predict(block, data, manager, 7);
            TrainedMetanet.save(dir.resolve("model"), block, config, zoo.spec(), norm, provenance(2));
        }
        try (TrainedMetanet loaded = TrainedMetanet.load(dir)) {
            assertEquals(config, loaded.config());
            assertEquals(zoo.spec(), loaded.spec());
            assertEquals(norm, loaded.normalization());
            assertEquals("test_accuracy", loaded.target());
            assertEquals(provenance(2), loaded.provenance());
            List<float[]> networks = new java.util.ArrayList<>();
            for (int i = 0; i < zoo.size(); i++) {
                networks.add(zoo.weights(i));
            }
            assertArrayEquals(before, loaded.predict(networks), 1e-5);
            assertEquals(before[3], loaded.predict(zoo.weights(3)), 1e-5);
        }
    }

    static RunProvenance provenance(long seed) {
        return new RunProvenance("zoo", "orbit", "a synthetic zoo", "test_accuracy", "nfn-np", seed, "random", 8,
                "17", new Provenance("0.1", "0.35.1", "2.7.1", "0123456789abcdef0123456789abcdef01234567",
                        "2026-01-01T00:00:00Z"));
    }

    @Test
    void weightsFilesAreMappedOrRejectedWithTheMismatch(@TempDir Path dir) throws Exception {
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, 4, 8, 1);
        float[] flat = new float[(int) spec.parameterCount()];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = i * 0.01f;
        }
        Map<String, NpyArray> tensors = new LinkedHashMap<>();
        tensors.put("net.0.weight", NpyArray.ofFloats(new long[] {8, 4}, Arrays.copyOfRange(flat, 0, 32)));
        tensors.put("net.0.bias", NpyArray.ofFloats(new long[] {8}, Arrays.copyOfRange(flat, 32, 40)));
        tensors.put("net.2.weight", NpyArray.ofFloats(new long[] {1, 8}, Arrays.copyOfRange(flat, 40, 48)));
        tensors.put("net.2.bias", NpyArray.ofFloats(new long[] {1}, Arrays.copyOfRange(flat, 48, 49)));
        Path ok = dir.resolve("ok.safetensors");
        SafeTensors.write(ok, tensors, Map.of());
        assertArrayEquals(flat, WeightsFile.read(ok, spec, "the run's spec"), 0f);

        tensors.put("net.2.weight", NpyArray.ofFloats(new long[] {2, 8}, new float[16]));
        Path bad = dir.resolve("bad.safetensors");
        SafeTensors.write(bad, tensors, Map.of());
        ArchitectureMismatchException e = assertThrows(ArchitectureMismatchException.class,
                () -> WeightsFile.read(bad, spec, "the run's spec"));
        assertEquals("bad.safetensors: layer 1 weight has shape (2,8), the run's spec expects (1,8)", e.getMessage());

        IllegalArgumentException unsupported = assertThrows(IllegalArgumentException.class,
                () -> WeightsFile.read(dir.resolve("ok.safetensors").resolveSibling("x.txt").toFile().createNewFile()
                        ? dir.resolve("x.txt") : dir.resolve("x.txt"), spec, "the run's spec"));
        assertTrue(unsupported.getMessage().contains("not a .safetensors, .npz or DJL .params file"));
    }
}
