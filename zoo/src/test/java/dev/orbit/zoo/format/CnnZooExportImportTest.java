package dev.orbit.zoo.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.io.Npy;
import dev.orbit.datasets.io.NpyArray;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.CheckpointMetrics;
import dev.orbit.zoo.CheckpointRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CnnZooExportImportTest {

    /** The Small CNN Zoo's layout.csv for its 4,970-parameter network (bias before kernel, TF shapes). */
    static final String SMALL_CNN_ZOO_LAYOUT = String.join("\n",
            "varname,start_idx,end_idx,size,shape",
            "sequential/conv2d/bias:0,0,16,16,\"(16,)\"",
            "sequential/conv2d/kernel:0,16,160,144,\"(3, 3, 1, 16)\"",
            "sequential/conv2d_1/bias:0,160,176,16,\"(16,)\"",
            "sequential/conv2d_1/kernel:0,176,2480,2304,\"(3, 3, 16, 16)\"",
            "sequential/conv2d_2/bias:0,2480,2496,16,\"(16,)\"",
            "sequential/conv2d_2/kernel:0,2496,4800,2304,\"(3, 3, 16, 16)\"",
            "sequential/dense/bias:0,4800,4810,10,\"(10,)\"",
            "sequential/dense/kernel:0,4810,4970,160,\"(16, 10)\"") + "\n";

    private static final long SEED = 3;

    @TempDir
    Path tmp;

    @Test
    void layoutOfTheSmallCnnZooNetworkMatchesThePublishedOne() throws Exception {
        CnnZooLayout layout = CnnZooLayout.of(NetworkSpec.smallCnnZoo(ActivationKind.RELU));
        assertEquals(4970, layout.parameterCount());
        assertEquals(SMALL_CNN_ZOO_LAYOUT, layout.toCsv());
        // Reading the published text (pandas writes an index column first, unquoted) gives the same layout.
        Path published = tmp.resolve("layout.csv");
        Files.writeString(published, SMALL_CNN_ZOO_LAYOUT.replace("varname,", ",varname,")
                .replaceAll("(?m)^sequential", "0,sequential"));
        assertEquals(layout, CnnZooLayout.read(published));
        assertEquals(NetworkSpec.smallCnnZoo(ActivationKind.TANH),
                layout.toSpec(new long[] {1, 28, 28}, ActivationKind.TANH));
        // Negative control: a kernel listed before its bias is refused.
        Files.writeString(published, SMALL_CNN_ZOO_LAYOUT.replace("conv2d/bias:0,0,16,16,\"(16,)\"",
                "conv2d/kernel:0,0,16,16,\"(16,)\""));
        assertThrows(ZooFormatException.class, () -> CnnZooLayout.read(published));
    }

    @Test
    void tensorFlowLayoutIsWhatNfnTransposesBackToDjlLayout() {
        NetworkSpec spec = NetworkSpec.smallCnnZoo(ActivationKind.RELU);
        CnnZooLayout layout = CnnZooLayout.of(spec);
        float[] canonical = new float[4970];
        for (int i = 0; i < canonical.length; i++) {
            canonical[i] = i;
        }
        float[] tf = new float[4970];
        layout.toTensorFlow(canonical, 0, tf, 0);
        // NFN: kernel (h, w, in, out) -> transpose(0, 4, 3, 1, 2) with batch axis = (out, in, h, w).
        // conv2d_1/kernel:0 starts at 176, shape (3, 3, 16, 16); Orbit's W_1 starts at 144 + 16 = 160.
        int h = 2, w = 1, in = 5, out = 9;
        assertEquals(canonical[160 + ((out * 16 + in) * 3 + h) * 3 + w], tf[176 + ((h * 3 + w) * 16 + in) * 16 + out]);
        // dense/kernel:0 (in, out) at 4810 -> transpose(0, 2, 1) = DJL (out, in) at 4800.
        assertEquals(canonical[4800 + 7 * 16 + 3], tf[4810 + 3 * 10 + 7]);
        // Biases are copied: conv2d/bias:0 at 0 is Orbit's b_0 at 144.
        assertEquals(canonical[144 + 4], tf[4]);
        // Negative control: reading the kernel without NFN's transpose gives other values.
        assertNotEquals(canonical[160 + ((out * 16 + in) * 3 + h) * 3 + w], tf[176 + ((out * 16 + in) * 3 + h) * 3 + w]);
        float[] back = new float[4970];
        layout.toCanonical(tf, 0, back, 0);
        assertArrayEquals(canonical, back, 0f);
    }

    @Test
    void exportThenImportIsExact() throws Exception {
        NetworkSpec spec = NetworkSpec.smallCnnZoo(ActivationKind.RELU);
        ZooDescription d = SyntheticZoo.description(spec, SEED);
        Path zooDir = tmp.resolve("zoo");
        SyntheticZoo.write(zooDir, d, 5, 4);
        Path out = tmp.resolve("export");
        CnnZooExporter.Summary summary;
        try (ZooReader zoo = ZooReader.open(zooDir)) {
            summary = CnnZooExporter.export(zoo, out, CnnZooExporter.Options.defaults());
        }
        assertEquals(15, summary.rowsWritten());
        assertEquals(SMALL_CNN_ZOO_LAYOUT, Files.readString(out.resolve("layout.csv")));
        NpyArray npy = Npy.read(out.resolve("weights.npy"));
        assertArrayEquals(new long[] {15, 4970}, npy.shape());
        try (CnnZooImporter imported = CnnZooImporter.open(out)) {
            assertEquals(15, imported.rows());
            assertEquals(spec, imported.spec(new long[] {1, 28, 28}, ActivationKind.RELU));
            float[] all = imported.readRows(0, 15);
            for (int row = 0; row < 15; row++) {
                CheckpointRecord expected = SyntheticZoo.record(spec, SEED, row / 3, SyntheticZoo.CHECKPOINTS.get(row % 3));
                assertArrayEquals(expected.weights(), imported.weights(row), 0f, "row " + row);
                assertArrayEquals(expected.weights(), Arrays.copyOfRange(all, row * 4970, (row + 1) * 4970), 0f);
                CheckpointRecord r = imported.record(row);
                assertEquals(expected.networkId(), r.networkId());
                assertEquals(expected.epoch(), r.epoch());
                assertEquals(expected.metrics(), r.metrics());
                assertEquals(expected.hyperparameters(), r.hyperparameters());
            }
            // Negative control: the raw TF row is not the canonical row.
            assertFalse(Arrays.equals(imported.weights(0), Arrays.copyOfRange(npy.toFloatArray(), 0, 4970)));
            double[] steps = imported.numbers("step");
            assertArrayEquals(new double[] {0, 1, 3}, Arrays.copyOfRange(steps, 0, 3), 0);
            assertEquals(CnnZooExporter.METRICS_COLUMNS, imported.metricsColumns());
        }
        List<String> split = Files.readAllLines(out.resolve("split.csv"));
        assertEquals(15, split.size());
        assertEquals(15, split.stream().distinct().count(), "split.csv is a permutation of the rows");
    }

    @Test
    void finalStepRelabelLetsNfnsLoaderFindTheTrainedCheckpoints() throws Exception {
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, 4, 5, 3);
        Path zooDir = tmp.resolve("zoo");
        SyntheticZoo.write(zooDir, SyntheticZoo.description(spec, SEED), 4, 4);
        try (ZooReader zoo = ZooReader.open(zooDir)) {
            CnnZooExporter.export(zoo, tmp.resolve("nfn"), new CnnZooExporter.Options(false, 0, 86));
            CnnZooExporter.export(zoo, tmp.resolve("plain"), CnnZooExporter.Options.defaults());
            // The zoo has a checkpoint at epoch 1, so the final epoch 3 cannot also be called step 1.
            IllegalArgumentException clash = assertThrows(IllegalArgumentException.class,
                    () -> CnnZooExporter.export(zoo, tmp.resolve("clash"), new CnnZooExporter.Options(false, 0, 1)));
            assertTrue(clash.getMessage().contains("epoch 1"), clash.getMessage());
        }
        try (CnnZooImporter relabelled = CnnZooImporter.open(tmp.resolve("nfn"));
                CnnZooImporter plain = CnnZooImporter.open(tmp.resolve("plain"))) {
            double[] steps = relabelled.numbers("step");
            double[] epochs = relabelled.numbers("epoch");
            int kept = 0;
            for (int row = 0; row < steps.length; row++) {
                // NFN's filter: step == 86 selects exactly the final-epoch rows, other steps stay epochs.
                assertEquals(epochs[row] == 3, steps[row] == 86, "row " + row);
                if (steps[row] != 86) {
                    assertEquals(epochs[row], steps[row]);
                } else {
                    kept++;
                }
                // The importer still reports the true epoch.
                assertEquals(plain.record(row).epoch(), relabelled.record(row).epoch());
            }
            assertEquals(4, kept);
            // Negative control: without the relabel no row carries step 86.
            assertTrue(Arrays.stream(plain.numbers("step")).noneMatch(v -> v == 86));
        }
    }

    @Test
    void nonFiniteCheckpointsAreDroppedUnlessKept() throws Exception {
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, 4, 5, 3);
        ZooDescription d = SyntheticZoo.description(spec, SEED);
        Path zooDir = tmp.resolve("zoo");
        try (ZooWriter w = ZooWriter.open(zooDir, d, 2, SyntheticZoo.provenance(), ZooWriter.Options.defaults())) {
            for (int id = 0; id < 2; id++) {
                for (int e : d.checkpointEpochs()) {
                    CheckpointRecord r = SyntheticZoo.record(spec, SEED, id, e);
                    float[] weights = r.weights();
                    boolean diverged = id == 1 && e == 3;
                    if (diverged) {
                        weights[0] = Float.POSITIVE_INFINITY;
                    }
                    w.write(new CheckpointRecord(id, e, r.hyperparameters(), weights, new CheckpointMetrics(
                            0.1, Double.NaN, 0.1, Double.NaN, diverged)));
                }
            }
        }
        try (ZooReader zoo = ZooReader.open(zooDir)) {
            assertEquals(5, CnnZooExporter.export(zoo, tmp.resolve("a"), CnnZooExporter.Options.defaults()).rowsWritten());
            assertEquals(6, CnnZooExporter.export(zoo, tmp.resolve("b"), new CnnZooExporter.Options(true, 0)).rowsWritten());
            ZooFormatException e = assertThrows(ZooFormatException.class,
                    () -> CnnZooExporter.export(zoo, tmp.resolve("a"), CnnZooExporter.Options.defaults()));
            assertTrue(e.getMessage().contains("not empty"));
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(tmp.resolve("b/metrics.csv.gz"))), StandardCharsets.UTF_8))) {
            assertEquals(String.join(",", CnnZooExporter.METRICS_COLUMNS), r.readLine());
            String first = r.readLine();
            assertTrue(first.matches("(relu|tanh),0\\.0,32,synthetic,fc,.*,network-000000,0,.*,0,False,.*"), first);
        }
    }

    @Test
    void nfnLoaderLogicInNumpyRecoversDjlLayout() throws Exception {
        Assumptions.assumeTrue(pythonWithNumpy(), "python3 with numpy is not installed");
        NetworkSpec spec = NetworkSpec.smallCnnZoo(ActivationKind.RELU);
        ZooDescription d = SyntheticZoo.description(spec, SEED);
        Path zooDir = tmp.resolve("zoo");
        SyntheticZoo.write(zooDir, d, 2, 100);
        Path out = tmp.resolve("export");
        try (ZooReader zoo = ZooReader.open(zooDir)) {
            CnnZooExporter.export(zoo, out, CnnZooExporter.Options.defaults());
        }
        // NFN's ZooDataset (experiments/data_utils.py) transform, without pandas; prints W_1[9,5,2,1] of row 4.
        String script = String.join("\n",
                "import csv, gzip, sys, numpy as np",
                "d = sys.argv[1]",
                "data = np.load(d + '/weights.npy')",
                "rows = list(csv.DictReader(open(d + '/layout.csv')))",
                "steps = [r['step'] for r in csv.DictReader(gzip.open(d + '/metrics.csv.gz', 'rt'))]",
                "assert len(steps) == data.shape[0]",
                "ws = []",
                "for r in rows:",
                "    arr = data[:, int(r['start_idx']):int(r['end_idx'])]",
                "    arr = arr.reshape((arr.shape[0], *eval(r['shape'])))",
                "    if r['varname'].endswith('kernel:0'):",
                "        arr = arr.transpose(0, 4, 3, 1, 2) if arr.ndim == 5 else arr.transpose(0, 2, 1)",
                "        ws.append(arr)",
                "print(repr(float(ws[1][4, 9, 5, 2, 1])), repr(float(ws[3][4, 7, 3])))");
        Process p = new ProcessBuilder("python3", "-c", script, out.toString()).redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), printed);
        float[] w = SyntheticZoo.record(spec, SEED, 1, 1).weights(); // row 4
        String[] values = printed.split(" ");
        assertEquals(w[160 + ((9 * 16 + 5) * 3 + 2) * 3 + 1], Float.parseFloat(values[0]), 0f);
        assertEquals(w[4800 + 7 * 16 + 3], Float.parseFloat(values[1]), 0f);
    }

    private static boolean pythonWithNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
