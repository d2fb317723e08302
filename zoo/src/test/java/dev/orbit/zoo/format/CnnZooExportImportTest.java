package dev.orbit.zoo.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.io.Npy;
import dev.orbit.datasets.io.NpyArray;
import dev.orbit.datasets.zoo.CsvRows;
import dev.orbit.datasets.zoo.ZooSplit;
import dev.orbit.datasets.zoo.cnnzoo.CnnZooLayout;
import dev.orbit.datasets.zoo.cnnzoo.SmallCnnZooSource;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.CheckpointMetrics;
import dev.orbit.zoo.CheckpointRecord;
import dev.orbit.zoo.Hyperparameters;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CnnZooExportImportTest {

    private static final long SEED = 3;

    @TempDir
    Path tmp;

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
        assertEquals(CnnZooLayout.of(spec).toCsv(), Files.readString(out.resolve("layout.csv")));
        NpyArray npy = Npy.read(out.resolve("weights.npy"));
        assertArrayEquals(new long[] {15, 4970}, npy.shape());
        // The one reader reads the export back, one step (here: epoch) at a time.
        for (int e = 0; e < 3; e++) {
            int epoch = SyntheticZoo.CHECKPOINTS.get(e);
            try (SmallCnnZooSource imported = SmallCnnZooSource.builder().setFolder(out).optStep(epoch).build()) {
                assertEquals(5, imported.size());
                assertEquals(NetworkSpec.smallCnnZoo(imported.spec().layer(0).activation()), imported.spec());
                for (int id = 0; id < 5; id++) {
                    CheckpointRecord expected = SyntheticZoo.record(spec, SEED, id, epoch);
                    assertEquals(id * 3 + e, imported.fileRow(id));
                    assertArrayEquals(expected.weights(), imported.weights(id), 0f, "network " + id + " epoch " + epoch);
                    assertEquals(expected.metrics().testAccuracy(), imported.target(id, "test_accuracy"), 0);
                    assertEquals(expected.metrics().generalizationGap(), imported.target(id, "gen_gap"), 1e-12);
                    Map<String, String> hp = imported.hyperparameters(id);
                    assertEquals(expected.hyperparameters().activation(), imported.activation(id));
                    assertEquals(Long.toString(expected.hyperparameters().seed()), hp.get("random_seed"));
                    assertEquals(expected.hyperparameters().learningRate(), Double.parseDouble(hp.get("learning_rate")), 0);
                }
                // Negative control: the raw TF row is not the canonical row.
                assertFalse(Arrays.equals(imported.weights(0), Arrays.copyOfRange(npy.toFloatArray(), 0, 4970)));
            }
        }
        assertEquals(CnnZooExporter.METRICS_COLUMNS, List.of(metricsColumn(out, null)));
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
        String[] steps = metricsColumn(tmp.resolve("nfn"), "step");
        String[] epochs = metricsColumn(tmp.resolve("nfn"), "epoch");
        int kept = 0;
        for (int row = 0; row < steps.length; row++) {
            // NFN's filter: step == 86 selects exactly the final-epoch rows, other steps stay epochs.
            assertEquals(epochs[row].equals("3"), steps[row].equals("86"), "row " + row);
            if (!steps[row].equals("86")) {
                assertEquals(epochs[row], steps[row]);
            } else {
                kept++;
            }
        }
        assertEquals(4, kept);
        // The reader keeps NFN's final rows by that step.
        try (SmallCnnZooSource finals = SmallCnnZooSource.open(tmp.resolve("nfn"))) {
            assertEquals(86, finals.step());
            assertEquals(4, finals.size());
        }
        // Negative control: without the relabel no row carries step 86.
        assertTrue(Arrays.stream(metricsColumn(tmp.resolve("plain"), "step")).noneMatch("86"::equals));
    }

    @Test
    void nonFiniteCheckpointsAreDroppedUnlessKept() throws Exception {
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, 4, 5, 3);
        ZooDescription d = SyntheticZoo.description(spec, SEED);
        Path zooDir = tmp.resolve("zoo");
        writeZoo(zooDir, d, 2, r -> {
            float[] weights = r.weights();
            boolean diverged = r.networkId() == 1 && r.epoch() == 3;
            if (diverged) {
                weights[0] = Float.POSITIVE_INFINITY;
            }
            return new CheckpointRecord(r.networkId(), r.epoch(), r.hyperparameters(), weights,
                    new CheckpointMetrics(0.1, Double.NaN, 0.1, Double.NaN, diverged));
        });
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

    /**
     * A group split of an exported zoo keeps each hyperparameter group on one side: the export's
     * per-network columns (network_id, epoch, gen_gap, diverged) are not hyperparameters, so
     * networks that differ only by seed share a group.
     */
    @Test
    void aGroupSplitOfAnExportedZooKeepsEachHyperparameterGroupOnOneSide() throws Exception {
        try (SmallCnnZooSource source = SmallCnnZooSource.open(exportOfSixRecipes())) {
            ZooSplit split = ZooSplit.byGroup(source, 0.2, 0.3, 7);
            Map<Integer, Set<String>> sidesOfRecipe = new HashMap<>();
            for (String side : List.of("train", "validation", "test")) {
                int[] rows = side.equals("train") ? split.train() : side.equals("validation") ? split.validation() : split.test();
                for (int row : rows) {
                    sidesOfRecipe.computeIfAbsent(row % 6, k -> new HashSet<>()).add(side);
                }
            }
            assertEquals(6, sidesOfRecipe.size());
            sidesOfRecipe.forEach((recipe, sides) -> assertEquals(1, sides.size(), "recipe " + recipe + " is in " + sides));
            // Negative control: the networks of a recipe do differ (by seed), yet share a group.
            assertNotEquals(source.hyperparameters(0), source.hyperparameters(6));
            assertEquals(source.group(0), source.group(6));
        }
    }

    /** The hyperparameters of an exported row are exactly its config.* columns, named without the prefix. */
    @Test
    void theHyperparametersOfAnExportedRowAreExactlyItsConfigColumns() throws Exception {
        List<String> config = CnnZooExporter.METRICS_COLUMNS.stream().filter(c -> c.startsWith("config."))
                .map(c -> c.substring("config.".length())).toList();
        assertTrue(config.size() < CnnZooExporter.METRICS_COLUMNS.size(), "the export has other columns too");
        try (SmallCnnZooSource source = SmallCnnZooSource.open(exportOfSixRecipes())) {
            for (int row = 0; row < source.size(); row++) {
                assertEquals(config, List.copyOf(source.hyperparameters(row).keySet()), "row " + row);
            }
            assertEquals(Long.toString(100 + 5), source.hyperparameters(5).get("random_seed"));
        }
    }

    /** An export of 24 networks trained with 6 recipes (network i uses recipe i % 6) and their own seeds. */
    private Path exportOfSixRecipes() throws Exception {
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, 4, 5, 3);
        ZooDescription d = SyntheticZoo.description(spec, SEED);
        Path zooDir = tmp.resolve("zoo");
        writeZoo(zooDir, d, 24, r -> new CheckpointRecord(r.networkId(), r.epoch(),
                recipe(r.networkId() % 6, 100 + r.networkId()), r.weights(), r.metrics()));
        Path out = tmp.resolve("export");
        try (ZooReader zoo = ZooReader.open(zooDir)) {
            CnnZooExporter.export(zoo, out, new CnnZooExporter.Options(true, 0));
        }
        return out;
    }

    /** Writes networks [0, networks) of the synthetic zoo, each record changed by {@code change}. */
    private static void writeZoo(Path dir, ZooDescription d, int networks, UnaryOperator<CheckpointRecord> change)
            throws Exception {
        try (ZooWriter w = ZooWriter.open(dir, d, networks, SyntheticZoo.provenance(), ZooWriter.Options.defaults())) {
            for (int id = 0; id < networks; id++) {
                for (int e : d.checkpointEpochs()) {
                    w.write(change.apply(SyntheticZoo.record(d.spec(), d.seed(), id, e)));
                }
            }
        }
    }

    /** One of a few recipes, with the network's own seed. */
    private static Hyperparameters recipe(int recipe, long seed) {
        return new Hyperparameters(recipe % 2 == 0 ? ActivationKind.RELU : ActivationKind.TANH, "he_normal", 0.05, 0.0,
                0.1 * (recipe % 3), 1e-4, 0.01, "adam", 0.5, 32, seed);
    }

    /**
     * A killed export leaves its temporary files (and possibly some finished ones) behind; the rerun
     * deletes exactly those and exports again, while a folder holding anything else is refused untouched.
     */
    @Test
    void anInterruptedExportIsCleanedAndRedoneByTheRerun() throws Exception {
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, 4, 5, 3);
        Path zooDir = tmp.resolve("zoo");
        SyntheticZoo.write(zooDir, SyntheticZoo.description(spec, SEED), 4, 4);
        Path reference = tmp.resolve("reference");
        Path out = tmp.resolve("export");
        try (ZooReader zoo = ZooReader.open(zooDir)) {
            CnnZooExporter.export(zoo, reference, CnnZooExporter.Options.defaults());
            // Killed while streaming rows: the marker and partial temporary files.
            Files.createDirectories(out);
            Files.writeString(out.resolve(CnnZooExporter.IN_PROGRESS), "");
            Files.write(out.resolve(".weights.npy.tmp"), new byte[] {1, 2, 3});
            Files.write(out.resolve(".metrics.csv.gz.tmp"), new byte[] {4});
            CnnZooExporter.export(zoo, out, CnnZooExporter.Options.defaults());
            assertSameFiles(reference, out);
            // Killed between renames: some finished files are there, but the marker says they are unfinished.
            Files.writeString(out.resolve(CnnZooExporter.IN_PROGRESS), "");
            Files.delete(out.resolve("split.csv"));
            Files.write(out.resolve(".layout.csv.tmp"), new byte[] {5});
            Files.write(out.resolve("weights.npy"), new byte[] {6});
            CnnZooExporter.export(zoo, out, CnnZooExporter.Options.defaults());
            assertSameFiles(reference, out);
            // A finished export is not redone, and a stranger's file is never deleted.
            Path foreign = tmp.resolve("foreign");
            Files.createDirectories(foreign);
            Files.writeString(foreign.resolve(CnnZooExporter.IN_PROGRESS), "");
            Files.writeString(foreign.resolve("notes.txt"), "mine");
            for (Path dir : List.of(out, foreign)) {
                ZooFormatException e = assertThrows(ZooFormatException.class,
                        () -> CnnZooExporter.export(zoo, dir, CnnZooExporter.Options.defaults()));
                assertTrue(e.getMessage().contains("not empty"), e.getMessage());
            }
            assertEquals("mine", Files.readString(foreign.resolve("notes.txt")));
            assertTrue(Files.exists(foreign.resolve(CnnZooExporter.IN_PROGRESS)));
        }
    }

    private static void assertSameFiles(Path expected, Path actual) throws Exception {
        try (Stream<Path> a = Files.list(expected); Stream<Path> b = Files.list(actual)) {
            assertEquals(a.map(p -> p.getFileName().toString()).sorted().toList(),
                    b.map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (String name : List.of("weights.npy", "layout.csv", "metrics.csv.gz", "split.csv")) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(name)), Files.readAllBytes(actual.resolve(name)), name);
        }
    }

    /** One column of an export's metrics.csv.gz, read with the formats' CSV parser; null gives the header. */
    private static String[] metricsColumn(Path export, String column) throws Exception {
        try (CsvRows csv = CsvRows.open(export.resolve("metrics.csv.gz"))) {
            if (column == null) {
                return csv.header();
            }
            int c = csv.column(column);
            List<String> values = new ArrayList<>();
            for (String[] row = csv.next(); row != null; row = csv.next()) {
                values.add(row[c]);
            }
            return values.toArray(new String[0]);
        }
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
