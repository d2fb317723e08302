package dev.orbit.zoo;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.zoo.format.ZooMetricsRow;
import dev.orbit.zoo.format.ZooReader;
import dev.orbit.zoo.format.ZooWriter;
import dev.orbit.zoo.train.NetworkEvaluator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Measures every checkpoint of an Orbit zoo on a dataset's test split and writes the measured test
 * loss and accuracy into the zoo's metrics through {@link ZooWriter#replaceMetrics} (checksums
 * updated, crash-safe). Generated networks carry no metrics until measured here; a trained zoo's
 * recorded accuracies are reproduced. Train metrics are kept as they are. Checkpoints flagged
 * diverged or holding non-finite weights keep their metrics.
 */
public final class ZooEvaluation {

    /** Checkpoints read and measured at a time, to bound memory on large zoos. */
    private static final int ROWS_PER_PASS = 1024;
    /** The dataset a zoo records when its source did not say (a generated zoo of a cnn-zoo folder). */
    public static final String UNKNOWN_DATASET = "unknown";

    /**
     * What an evaluation measured.
     *
     * @param rows checkpoints measured
     * @param skipped checkpoints left as they were (diverged or non-finite)
     * @param changed checkpoints whose recorded metrics changed
     * @param testImages test images each checkpoint ran on
     * @param testAccuracy each measured checkpoint's accuracy, by zoo row
     */
    public record Result(int rows, int skipped, int changed, int testImages, Map<Integer, Double> testAccuracy) {}

    private ZooEvaluation() {}

    /**
     * Evaluates every checkpoint of the zoo in {@code dir}.
     *
     * @param dataset the dataset's name, checked against the zoo's
     * @param data that dataset, loaded
     * @param testLimit the first this-many test images; 0 for all, -1 for the zoo's own setting (the
     *     {@code eval_test_limit} its generation recorded, else all), so the measured column keeps
     *     the meaning it has in the zoo
     * @param progress told (checkpoints measured, total) after each pass
     * @throws IllegalArgumentException when the zoo's architecture does not fit the dataset, or the
     *     zoo was trained on another dataset
     * @throws dev.orbit.zoo.format.ZooFormatException when the folder is not a zoo, is corrupt, or is being written
     */
    public static Result evaluate(Path dir, String dataset, ImageSplit data, int testLimit,
            BiConsumer<Integer, Integer> progress) throws IOException {
        try (ZooWriter writer = ZooWriter.reopen(dir); ZooReader reader = ZooReader.open(dir)) {
            if (!writer.manifest().checksMetrics()) { // refused before measuring, not after
                throw new IllegalArgumentException(dir + " is a format version "
                        + writer.manifest().formatVersion() + " zoo, whose metrics carry no checksum; 'orbit zoo evaluate'"
                        + " replaces metrics only in a version 2 zoo.");
            }
            String zooDataset = reader.description().dataset();
            int limit = testLimit >= 0 ? testLimit : recordedTestLimit(reader.description().options());
            NetworkEvaluator evaluator;
            try {
                evaluator = new NetworkEvaluator(reader.spec(), data, limit);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("The zoo at " + dir + " (" + reader.spec().describe()
                        + ") cannot run on " + dataset + ": " + e.getMessage(), e);
            }
            try (evaluator) {
                if (!zooDataset.equalsIgnoreCase(dataset) && !zooDataset.equals(UNKNOWN_DATASET)) {
                    throw new IllegalArgumentException("The zoo at " + dir + " was trained on " + zooDataset
                            + ", not " + dataset + "; its test accuracy is measured on --dataset " + zooDataset + ".");
                }
                List<ZooMetricsRow> table = reader.metrics();
                Map<Integer, double[]> measured = new HashMap<>();
                Map<Integer, Double> accuracy = new LinkedHashMap<>();
                int skipped = 0;
                for (int from = 0; from < table.size(); from += ROWS_PER_PASS) {
                    int to = Math.min(table.size(), from + ROWS_PER_PASS);
                    float[] flat = reader.readRows(from, to);
                    int p = reader.parameterCount();
                    Map<ActivationKind, List<Integer>> byActivation = new LinkedHashMap<>();
                    for (int row = from; row < to; row++) {
                        ZooMetricsRow m = table.get(row);
                        if (m.metrics().diverged() || !finite(flat, (row - from) * p, p)) {
                            skipped++;
                            continue;
                        }
                        byActivation.computeIfAbsent(m.hyperparameters().activation(), a -> new ArrayList<>()).add(row);
                    }
                    for (Map.Entry<ActivationKind, List<Integer>> e : byActivation.entrySet()) {
                        List<float[]> weights = new ArrayList<>();
                        for (int row : e.getValue()) {
                            int at = (row - from) * p;
                            weights.add(java.util.Arrays.copyOfRange(flat, at, at + p));
                        }
                        double[][] lossAndAccuracy = evaluator.evaluate(e.getKey(), weights);
                        for (int i = 0; i < e.getValue().size(); i++) {
                            int row = e.getValue().get(i);
                            measured.put(row, new double[] {lossAndAccuracy[0][i], lossAndAccuracy[1][i]});
                            accuracy.put(row, lossAndAccuracy[1][i]);
                        }
                    }
                    progress.accept(to, table.size());
                }
                int changed = writer.replaceMetrics(row -> {
                    double[] m = measured.get(row.row());
                    CheckpointMetrics old = row.metrics();
                    return m == null ? old
                            : new CheckpointMetrics(old.trainAccuracy(), old.trainLoss(), m[1], m[0], old.diverged());
                });
                return new Result(measured.size(), skipped, changed, evaluator.testImages(), accuracy);
            }
        }
    }

    /** The {@code eval_test_limit} a zoo generation records in its options, or 0 (all) when absent. */
    static int recordedTestLimit(String optionsJson) {
        JsonElement options = JsonParser.parseString(optionsJson);
        if (options.isJsonObject()) {
            JsonObject o = options.getAsJsonObject();
            JsonElement limit = o.get("eval_test_limit");
            if (limit != null && limit.isJsonPrimitive() && limit.getAsJsonPrimitive().isNumber()) {
                return Math.max(0, limit.getAsInt());
            }
        }
        return 0;
    }

    private static boolean finite(float[] values, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (!Float.isFinite(values[i])) {
                return false;
            }
        }
        return true;
    }
}
