package dev.orbit.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.orbit.datasets.io.NpyArray;
import dev.orbit.datasets.io.Npz;
import dev.orbit.datasets.zoo.InMemoryZooSource;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.training.fit.SyntheticZoo;
import dev.orbit.training.predict.TrainedMetanet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code orbit train predict-accuracy} end to end on a small state-dict zoo. */
class TrainPredictAccuracyCommandTest {

    /** Output of one CLI invocation. */
    record Run(int exitCode, String out, String err) {}

    static Run orbit(String... args) {
        CommandLine cli = OrbitCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Writes the synthetic zoo as one .npz state dict per network plus labels.csv. */
    static Path writeStateDictZoo(Path dir, int networks) throws Exception {
        InMemoryZooSource zoo = SyntheticZoo.create(networks, 11, false);
        Files.createDirectories(dir);
        StringBuilder labels = new StringBuilder("file,test_accuracy,train_accuracy\n");
        for (int i = 0; i < networks; i++) {
            String name = String.format("net-%03d.npz", i);
            Npz.write(dir.resolve(name), stateDict(zoo.spec(), zoo.weights(i)));
            double acc = zoo.target(i, "test_accuracy");
            labels.append(name).append(',').append(acc).append(',').append(acc + 0.1).append('\n');
        }
        Files.writeString(dir.resolve("labels.csv"), labels);
        return dir;
    }

    static Map<String, NpyArray> stateDict(NetworkSpec spec, float[] flat) {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        int pos = 0;
        for (int l = 0; l < spec.numLayers(); l++) {
            int wn = (int) spec.layer(l).weightCount();
            out.put("fc" + l + ".weight", NpyArray.ofFloats(spec.layer(l).weightShape().getShape(),
                    Arrays.copyOfRange(flat, pos, pos + wn)));
            pos += wn;
            int bn = spec.layer(l).outNeurons();
            out.put("fc" + l + ".bias", NpyArray.ofFloats(new long[] {bn}, Arrays.copyOfRange(flat, pos, pos + bn)));
            pos += bn;
        }
        return out;
    }

    @Test
    void writesMetricsModelAndReport(@TempDir Path dir) throws Exception {
        Path zoo = writeStateDictZoo(dir.resolve("zoo"), 60);
        Path run = dir.resolve("run");
        Run r = orbit("train", "predict-accuracy", "--zoo", zoo.toString(), "--model", "statnn", "--head-width", "16",
                "--epochs", "3", "--batch-size", "16", "--seed", "3", "--out", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("epoch   3/3"), r.out());
        assertTrue(r.out().contains("test Kendall tau"), r.out());

        JsonObject m = JsonParser.parseString(Files.readString(run.resolve("metrics.json"))).getAsJsonObject();
        for (String key : new String[] {"test_kendall_tau", "test_r2", "test_rmse", "val_kendall_tau", "model", "target",
                "zoo", "seed", "epochs", "train_seconds", "train_networks_per_second"}) {
            assertTrue(m.has(key), "metrics.json lacks " + key);
        }
        assertEquals("statnn", m.get("model").getAsString());
        assertEquals("state-dicts", m.get("zoo_format").getAsString());
        assertEquals(3, m.get("epochs").getAsInt());
        for (String file : new String[] {"model/metanet-0000.params", "model/metanet.json", "model/spec.json",
                "model/normalization.json", "model/provenance.json", "split.json", "run.json",
                "report/index.html", "report/test-scatter.png", "report/learning-curves.png"}) {
            assertTrue(Files.isRegularFile(run.resolve(file)), file + " missing");
        }
        assertTrue(Files.readString(run.resolve("report/index.html")).contains("test-scatter.png"));

        // A rerun of the finished run resumes at its end and reports the same test metrics.
        Run again = orbit("train", "predict-accuracy", "--zoo", zoo.toString(), "--model", "statnn", "--head-width", "16",
                "--epochs", "3", "--batch-size", "16", "--seed", "3", "--out", run.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("resuming after epoch 3"), again.out());
        JsonObject m2 = JsonParser.parseString(Files.readString(run.resolve("metrics.json"))).getAsJsonObject();
        assertEquals(m.get("test_kendall_tau"), m2.get("test_kendall_tau"));
        assertEquals(m.get("test_rmse"), m2.get("test_rmse"));
    }

    @Test
    void userErrorsAreOneLineWithExitCode2(@TempDir Path dir) throws Exception {
        Path zoo = writeStateDictZoo(dir.resolve("zoo"), 12);
        Run unknownModel = orbit("train", "predict-accuracy", "--zoo", zoo.toString(), "--model", "transformer",
                "--out", dir.resolve("run").toString());
        assertEquals(2, unknownModel.exitCode());
        assertOneLine(unknownModel.err(), "Unknown model 'transformer'");

        Run missingZoo = orbit("train", "predict-accuracy", "--zoo", dir.resolve("nope").toString(), "--out",
                dir.resolve("run").toString());
        assertEquals(2, missingZoo.exitCode());
        assertOneLine(missingZoo.err(), "does not exist");

        Run noSplitFile = orbit("train", "predict-accuracy", "--zoo", zoo.toString(), "--split", "nfn", "--out",
                dir.resolve("run").toString());
        assertEquals(2, noSplitFile.exitCode());
        assertOneLine(noSplitFile.err(), "--split-file");

        // A different experiment in an existing run folder is refused, not silently mixed.
        Path run = dir.resolve("run2");
        assertEquals(0, orbit("train", "predict-accuracy", "--zoo", zoo.toString(), "--model", "flat-mlp", "--head-width",
                "8", "--epochs", "1", "--out", run.toString()).exitCode());
        Run other = orbit("train", "predict-accuracy", "--zoo", zoo.toString(), "--model", "statnn", "--head-width", "8",
                "--epochs", "1", "--out", run.toString());
        assertEquals(2, other.exitCode());
        assertOneLine(other.err(), "holds a different run");
    }

    /**
     * The default recipe is NFN's: for targets in [0, 1] a sigmoid output fitted by cross-entropy,
     * raw weights, lr 1e-3; it records its choices, and `orbit predict` gives the run's own
     * prediction, a probability. An explicit --loss bce refuses targets outside [0, 1] (the synthetic
     * log-variance target is negative), while the default then falls back to mse.
     */
    @Test
    void nfnRecipeFitsASigmoidOnRawWeightsAndRefusesTargetsOutsideTheUnitInterval(@TempDir Path dir) throws Exception {
        Path zoo = writeStateDictZoo(dir.resolve("zoo"), 40);
        Run outside = orbit("train", "predict-accuracy", "--zoo", zoo.toString(), "--model", "statnn", "--loss", "bce",
                "--out", dir.resolve("bad").toString());
        assertEquals(2, outside.exitCode());
        assertOneLine(outside.err(), "needs targets in [0, 1]");

        Run fallback = orbit("train", "predict-accuracy", "--zoo", zoo.toString(), "--model", "statnn", "--head-width", "8",
                "--epochs", "1", "--out", dir.resolve("fallback").toString());
        assertEquals(0, fallback.exitCode(), fallback.err());
        assertEquals("mse", JsonParser.parseString(Files.readString(dir.resolve("fallback/metrics.json")))
                .getAsJsonObject().get("loss").getAsString());

        // Squash the targets into (0, 1), keeping their order.
        StringBuilder squashed = new StringBuilder("file,test_accuracy,train_accuracy\n");
        for (String line : Files.readAllLines(zoo.resolve("labels.csv")).subList(1, 41)) {
            String[] f = line.split(",");
            double p = 1 / (1 + Math.exp(-Double.parseDouble(f[1])));
            squashed.append(f[0]).append(',').append(p).append(',').append(p).append('\n');
        }
        Files.writeString(zoo.resolve("labels.csv"), squashed);

        Path run = dir.resolve("run");
        Run r = orbit("train", "predict-accuracy", "--zoo", zoo.toString(), "--model", "statnn", "--head-width", "16",
                "--epochs", "2", "--out", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonObject m = JsonParser.parseString(Files.readString(run.resolve("metrics.json"))).getAsJsonObject();
        assertEquals("bce", m.get("loss").getAsString());
        assertEquals("none", m.get("weight_normalization").getAsString());
        assertEquals(1e-3, m.get("learning_rate").getAsDouble(), 1e-9);
        JsonObject norm = JsonParser.parseString(Files.readString(run.resolve("model/normalization.json"))).getAsJsonObject();
        assertEquals(0.0, norm.get("targetMean").getAsDouble());
        assertEquals(1.0, norm.get("targetStd").getAsDouble());
        assertEquals(1.0, norm.getAsJsonArray("weightStd").get(0).getAsDouble());

        Run p = orbit("predict", "--run", run.toString(), "--weights", zoo.resolve("net-000.npz").toString());
        assertEquals(0, p.exitCode(), p.err());
        double predicted = Double.parseDouble(p.out().strip());
        assertTrue(predicted > 0 && predicted < 1, "a sigmoid output, got " + predicted);
        try (TrainedMetanet model = TrainedMetanet.load(run)) {
            assertTrue(model.config().sigmoidOutput());
            assertEquals(model.predict(zoo.resolve("net-000.npz")), predicted, 1e-5);
        }
    }

    static void assertOneLine(String err, String expected) {
        String trimmed = err.strip();
        assertTrue(trimmed.contains(expected), trimmed);
        assertFalse(trimmed.contains("\n"), "more than one line: " + trimmed);
        assertFalse(trimmed.contains("Exception"), trimmed);
    }
}
