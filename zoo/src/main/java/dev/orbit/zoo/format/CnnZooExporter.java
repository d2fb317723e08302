package dev.orbit.zoo.format;

import dev.orbit.datasets.io.NpyWriter;
import dev.orbit.datasets.zoo.CsvRows;
import dev.orbit.datasets.zoo.cnnzoo.CnnZooLayout;
import dev.orbit.datasets.zoo.cnnzoo.SmallCnnZooSource;
import dev.orbit.metanet.space.LayerKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.CheckpointMetrics;
import dev.orbit.zoo.CheckpointRecord;
import dev.orbit.zoo.Hyperparameters;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

/**
 * Exports an Orbit zoo in the Small CNN Zoo layout (Unterthiner et al. 2020) that NFN's
 * {@code ZooDataset} and other weight-space code read: {@code weights.npy} (rows x P float32, one row
 * per checkpoint in zoo row order, TensorFlow variable layout), {@code layout.csv}, and
 * {@code metrics.csv.gz} with the Small CNN Zoo's columns ({@code config.*}, {@code step} = epoch,
 * {@code test_accuracy}, ...) plus Orbit's {@code network_id}, {@code diverged}, {@code gen_gap} and
 * {@code epoch} (the true epoch, which {@code step} may relabel: see {@link Options#finalStep()}).
 * It also writes {@code split.csv}, a seeded permutation of the rows, headerless, which is the
 * {@code idcs_file} NFN's loader expects.
 *
 * <p>The format itself (file names, the layout and its TensorFlow conversion, CSV quoting) belongs
 * to {@code dev.orbit.datasets.zoo.cnnzoo}, whose {@link SmallCnnZooSource} reads an export back;
 * this class maps Orbit's checkpoints onto the format's rows and writes them crash-safely.
 *
 * <p>Rows stream through one shard at a time ({@link NpyWriter}); files are written under temporary
 * names and renamed when complete, so an interrupted export leaves no file that looks finished. A
 * marker file ({@value #IN_PROGRESS}) lives in the folder from the first file written to the last
 * rename, so a rerun after a kill knows which files are its own, deletes them and exports again.
 */
public final class CnnZooExporter {

    /** The Small CNN Zoo's metrics columns, then Orbit's additions. */
    public static final List<String> METRICS_COLUMNS = List.of(
            "config.activation", "config.b_init", "config.batch_size", "config.dataset", "config.dnn_architecture",
            "config.dropout", "config.epochs", "config.init_std", "config.l2reg", "config.learning_rate",
            "config.num_layers", "config.num_units", "config.optimizer", "config.random_seed",
            "config.train_fraction", "config.w_init", "modeldir", "step", "test_accuracy", "test_loss",
            "train_accuracy", "train_loss", "network_id", "diverged", "gen_gap", "epoch");

    /** NFN's row order file. */
    public static final String SPLIT = "split.csv";
    /** Present while an export is unfinished: the folder's export files are then the exporter's own. */
    static final String IN_PROGRESS = ".cnn-zoo-export.tmp";

    private static final List<String> OUTPUTS =
            List.of(SmallCnnZooSource.WEIGHTS, SmallCnnZooSource.METRICS, SmallCnnZooSource.LAYOUT, SPLIT);

    /**
     * Export choices.
     *
     * @param keepNonFinite keep checkpoints whose weights are not all finite (diverged networks);
     *     NFN's loader asserts finite weights, so they are dropped by default
     * @param splitSeed seed of the row permutation in {@code split.csv}
     * @param finalStep when not negative, the {@code step} written for each network's final-epoch
     *     checkpoint. NFN's {@code ZooDataset} keeps only rows with {@code step == 86} (the Small
     *     CNN Zoo's last step), so 86 lets it read a zoo trained for any number of epochs unchanged;
     *     -1 writes the epoch
     */
    public record Options(boolean keepNonFinite, long splitSeed, int finalStep) {

        public Options {
            if (finalStep < -1) {
                throw new IllegalArgumentException("Final step must be -1 (keep epochs) or >= 0, got " + finalStep);
            }
        }

        /** Without a final-step relabel. */
        public Options(boolean keepNonFinite, long splitSeed) {
            this(keepNonFinite, splitSeed, -1);
        }

        /** @return drop non-finite checkpoints, split seed 0, step = epoch */
        public static Options defaults() {
            return new Options(false, 0);
        }
    }

    /**
     * What an export wrote.
     *
     * @param rowsWritten checkpoints in {@code weights.npy}
     * @param rowsSkipped checkpoints dropped for non-finite weights
     * @param parameterCount columns of {@code weights.npy}
     * @param directory the export folder
     */
    public record Summary(int rowsWritten, int rowsSkipped, int parameterCount, Path directory) {}

    private CnnZooExporter() {}

    /**
     * Exports a zoo.
     *
     * @param zoo an open zoo
     * @param outDir a new or empty folder
     * @param options export choices
     * @return what was written
     * @throws ZooFormatException when {@code outDir} is not empty or the zoo is corrupt
     * @throws IOException when reading or writing fails
     */
    public static Summary export(ZooReader zoo, Path outDir, Options options) throws IOException {
        removeInterruptedExport(outDir);
        Files.createDirectories(outDir);
        NetworkSpec spec = zoo.spec();
        CnnZooLayout layout = CnnZooLayout.of(spec);
        int p = layout.columns();
        Map<String, String> constant = constantColumns(zoo.description());
        int finalEpoch = zoo.description().finalEpoch();
        if (options.finalStep() >= 0 && options.finalStep() != finalEpoch
                && zoo.description().checkpointEpochs().contains(options.finalStep())) {
            throw new IllegalArgumentException("Cannot label the final epoch " + finalEpoch + " as step "
                    + options.finalStep() + ": the zoo also has a checkpoint at epoch " + options.finalStep());
        }
        Files.write(outDir.resolve(IN_PROGRESS), new byte[0]);
        AtomicFiles.forceDirectory(outDir);
        Path weightsTemp = temp(outDir, SmallCnnZooSource.WEIGHTS);
        Path metricsTemp = temp(outDir, SmallCnnZooSource.METRICS);
        int[] counts = new int[2];
        try (NpyWriter weights = NpyWriter.create(weightsTemp, p);
                Writer metrics = new BufferedWriter(new OutputStreamWriter(
                        new GZIPOutputStream(Files.newOutputStream(metricsTemp), 1 << 16), StandardCharsets.UTF_8))) {
            metrics.write(String.join(",", METRICS_COLUMNS));
            metrics.write('\n');
            float[] tf = new float[p];
            zoo.forEachRecord((row, r) -> {
                if (!options.keepNonFinite() && !allFinite(r.weights())) {
                    counts[1]++;
                    return;
                }
                layout.toFileOrder(r.weights(), tf);
                weights.appendRow(tf);
                int step = options.finalStep() >= 0 && r.epoch() == finalEpoch ? options.finalStep() : r.epoch();
                metrics.write(metricsLine(r, step, constant));
                counts[0]++;
            });
        }
        AtomicFiles.publish(weightsTemp, outDir.resolve(SmallCnnZooSource.WEIGHTS));
        AtomicFiles.publish(metricsTemp, outDir.resolve(SmallCnnZooSource.METRICS));
        AtomicFiles.write(outDir.resolve(SmallCnnZooSource.LAYOUT), layout.toCsv().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(outDir.resolve(SPLIT), split(counts[0], options.splitSeed()).getBytes(StandardCharsets.UTF_8));
        Files.delete(outDir.resolve(IN_PROGRESS));
        AtomicFiles.forceDirectory(outDir);
        return new Summary(counts[0], counts[1], p, outDir);
    }

    /**
     * Makes {@code outDir} ready for an export: absent, empty, or holding only what an interrupted
     * export wrote, which is deleted. Its temporary files are recognised by name; its finished files
     * only while the in-progress marker says the export did not complete. Anything else is refused
     * before a file is touched.
     */
    private static void removeInterruptedExport(Path outDir) throws IOException {
        if (!Files.isDirectory(outDir)) {
            if (Files.exists(outDir)) {
                throw new ZooFormatException(ZooFormatException.Reason.NOT_A_ZOO, outDir + " is a file, not a folder.");
            }
            return;
        }
        boolean interrupted = Files.exists(outDir.resolve(IN_PROGRESS));
        List<Path> own = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(outDir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                boolean temporary = name.equals(IN_PROGRESS) || OUTPUTS.stream().anyMatch(o -> ZooFormat.tempName(o).equals(name));
                if (!Files.isRegularFile(entry) || !(temporary || interrupted && OUTPUTS.contains(name))) {
                    throw new ZooFormatException(ZooFormatException.Reason.NOT_A_ZOO,
                            outDir + " is not empty; choose a new folder for the export.");
                }
                own.add(entry);
            }
        }
        for (Path file : own) {
            Files.delete(file);
        }
    }

    private static Path temp(Path dir, String name) {
        return dir.resolve(ZooFormat.tempName(name));
    }

    private static boolean allFinite(float[] w) {
        for (float v : w) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> constantColumns(ZooDescription d) {
        NetworkSpec spec = d.spec();
        boolean cnn = spec.layers().stream().anyMatch(l -> l.kind() == LayerKind.CONV2D);
        List<Integer> hidden = new ArrayList<>();
        for (int i = 0; i + 1 < spec.numLayers(); i++) {
            hidden.add(spec.layer(i).outNeurons());
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("config.dataset", d.dataset());
        m.put("config.dnn_architecture", cnn ? "cnn" : "fc");
        m.put("config.epochs", Integer.toString(d.epochs()));
        m.put("config.num_layers", Integer.toString(hidden.size()));
        m.put("config.num_units", hidden.stream().distinct().count() <= 1
                ? (hidden.isEmpty() ? "0" : hidden.get(0).toString())
                : hidden.stream().map(String::valueOf).collect(Collectors.joining("-")));
        return m;
    }

    private static String metricsLine(CheckpointRecord r, int step, Map<String, String> constant) {
        Hyperparameters h = r.hyperparameters();
        CheckpointMetrics m = r.metrics();
        Map<String, String> v = new LinkedHashMap<>(constant);
        v.put("config.activation", h.activation().id());
        v.put("config.b_init", MetricsCsv.number(h.biasInit()));
        v.put("config.batch_size", Integer.toString(h.batchSize()));
        v.put("config.dropout", MetricsCsv.number(h.dropout()));
        v.put("config.init_std", MetricsCsv.number(h.initStd()));
        v.put("config.l2reg", MetricsCsv.number(h.l2()));
        v.put("config.learning_rate", MetricsCsv.number(h.learningRate()));
        v.put("config.optimizer", h.optimizer());
        v.put("config.random_seed", Long.toString(h.seed()));
        v.put("config.train_fraction", MetricsCsv.number(h.trainFraction()));
        v.put("config.w_init", h.weightInit());
        v.put("modeldir", String.format(java.util.Locale.ROOT, "network-%06d", r.networkId()));
        v.put("step", Integer.toString(step));
        v.put("test_accuracy", MetricsCsv.number(m.testAccuracy()));
        v.put("test_loss", MetricsCsv.number(m.testLoss()));
        v.put("train_accuracy", MetricsCsv.number(m.trainAccuracy()));
        v.put("train_loss", MetricsCsv.number(m.trainLoss()));
        v.put("network_id", Integer.toString(r.networkId()));
        v.put("diverged", m.diverged() ? "True" : "False");
        v.put("gen_gap", MetricsCsv.number(m.generalizationGap()));
        v.put("epoch", Integer.toString(r.epoch()));
        return METRICS_COLUMNS.stream().map(c -> CsvRows.quote(v.get(c))).collect(Collectors.joining(",")) + "\n";
    }

    private static String split(int rows, long seed) {
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        StringBuilder sb = new StringBuilder(rows * 6);
        for (int i : order) {
            sb.append(i).append('\n');
        }
        return sb.toString();
    }
}
