package dev.orbit.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.images.ImageDatasets;
import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.training.OrbitVersion;
import dev.orbit.training.cli.OrbitCommand;
import dev.orbit.training.predict.TrainedMetanet;
import dev.orbit.training.predict.ZooPredictions;
import dev.orbit.zoo.CheckpointRecord;
import dev.orbit.zoo.OrbitZooSource;
import dev.orbit.zoo.ZooGenerator;
import dev.orbit.zoo.format.StagedShard;
import dev.orbit.zoo.format.ZooReader;
import dev.orbit.zoo.format.ZooWriter;
import dev.orbit.zoo.space.ZooRecipe;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Spark jobs in local mode ({@code local[2,2]}: two task slots, a failed task tried once more) on
 * a small digits MLP zoo, against what {@code orbit zoo generate} and {@code orbit predict} give.
 */
class SparkJobsTest {

    /** 24 MLPs 64-32-32-10, one epoch, checkpoints at epochs 0 and 1, groups of at most 4: 7 or more units. */
    private static final ZooRecipe RECIPE = ZooRecipe.preset(ZooRecipe.DIGITS_QUICK).with(new ZooRecipe.Overrides(
            null, null, 24, 7L, 1, null, null, null, null, null, 4, 1));

    @TempDir static Path shared;
    private static JavaSparkContext spark;
    private static Path reference;

    @BeforeAll
    static void startSparkAndGenerateTheReference() throws Exception {
        SparkOptions options = new SparkOptions();
        options.master = "local[2,2]";
        spark = options.start("orbit-spark test");
        reference = shared.resolve("reference");
        ImageSplit digits = ImageDatasets.load(ImageDatasets.DIGITS, null);
        ZooGenerator.generate(reference, RECIPE, digits, OrbitVersion.buildProvenance(), ZooWriter.Options.defaults(),
                ZooGenerator.Listener.SILENT); // what orbit zoo generate runs
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static ZooJob.Result generate(Path out, UnitTask.InjectedFailure failure) throws IOException {
        return ZooJob.run(spark, RECIPE, null, out, OrbitVersion.buildProvenance(), new PrintWriter(new StringWriter()),
                failure);
    }

    @Test
    void sparkZooHoldsTheSameWeightsAndMetricsAsOrbitZooGenerate(@TempDir Path tmp) throws Exception {
        Path zoo = tmp.resolve("spark-zoo");
        ZooJob.Result r = generate(zoo, UnitTask.InjectedFailure.none());

        int units = ZooPlan.outstanding(RECIPE, new java.util.BitSet(), 0).size();
        assertTrue(units >= 6, "the recipe must cut into several units, got " + units);
        assertEquals(units, r.trained());
        assertEquals(units, r.shards(), "one shard per unit");
        assertEquals(24, r.networks());
        Map<String, CheckpointRecord> expected = records(reference);
        Map<String, CheckpointRecord> actual = records(zoo);
        assertEquals(48, expected.size());
        assertSameCheckpoints(expected, actual);
        assertEquals(0, verify(zoo), "orbit zoo verify passes");
        assertFalse(Files.exists(zoo.resolve(StagedShard.STAGING_DIR)), "nothing is left in the staging folder");

        // negative control: the comparison sees one changed weight
        CheckpointRecord first = actual.values().iterator().next();
        float[] changed = first.weights().clone();
        changed[0] = Math.nextUp(changed[0]);
        Map<String, CheckpointRecord> tampered = new TreeMap<>(actual);
        tampered.put(key(first), new CheckpointRecord(first.networkId(), first.epoch(), first.hyperparameters(), changed,
                first.metrics()));
        assertThrows(AssertionError.class, () -> assertSameCheckpoints(expected, tampered));
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndARerunTrainsNothing(@TempDir Path tmp) throws Exception {
        Path zoo = tmp.resolve("retried");
        ZooJob.Result r = generate(zoo, new UnitTask.InjectedFailure(1, 1));

        UnitTask.Report retried = r.reports().stream().filter(u -> u.shardIndex() == 1).findFirst().orElseThrow();
        assertEquals(1, retried.attempt(), "unit 1 succeeded on its second attempt");
        assertEquals(0, verify(zoo));
        assertSameCheckpoints(records(reference), records(zoo));
        assertFalse(Files.exists(zoo.resolve(StagedShard.STAGING_DIR)), "the failed attempt's temporary file is cleaned");

        byte[] manifest = Files.readAllBytes(zoo.resolve("manifest.json"));
        ZooJob.Result again = generate(zoo, UnitTask.InjectedFailure.none());
        assertEquals(0, again.units(), "nothing outstanding");
        assertEquals(0, again.networksTrained());
        assertArrayEquals(manifest, Files.readAllBytes(zoo.resolve("manifest.json")), "the finished zoo is untouched");
    }

    @Test
    void aFailedJobKeepsItsFinishedUnitsAndARerunTrainsOnlyTheRest(@TempDir Path tmp) throws Exception {
        Path zoo = tmp.resolve("half");
        IOException failed = assertThrows(IOException.class, () -> generate(zoo, new UnitTask.InjectedFailure(2, 99)));
        assertTrue(failed.getMessage().contains("rerun the same command"), failed.getMessage());
        assertEquals(3, verify(zoo), "a sound but incomplete zoo");

        ZooJob.Result rest = generate(zoo, UnitTask.InjectedFailure.none());
        int units = ZooPlan.outstanding(RECIPE, new java.util.BitSet(), 0).size();
        assertTrue(rest.trained() < units, "the rerun trains only what the failed job did not finish: " + rest.trained()
                + " of " + units + " units");
        assertTrue(rest.trained() >= 1, "unit 2 at least");
        assertEquals(0, verify(zoo));
        assertSameCheckpoints(records(reference), records(zoo));
    }

    @Test
    void batchScoringEqualsOrbitPredict(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        StringWriter trainOut = new StringWriter();
        int trained = orbit(trainOut, "train", "predict-accuracy", "--zoo", reference.toString(), "--model", "statnn",
                "--head-width", "8", "--epochs", "2", "--batch-size", "4", "--loss", "mse", "--seed", "1",
                "--out", run.toString());
        assertEquals(0, trained, trainOut.toString());

        Path csv = tmp.resolve("predictions.csv");
        ScoreJob.Result r = ScoreJob.run(spark, run, List.of(reference), csv, 1);
        int finalRows;
        int firstRows;
        try (OrbitZooSource last = OrbitZooSource.open(reference, 1); OrbitZooSource first = OrbitZooSource.open(reference, 0)) {
            finalRows = last.size();
            firstRows = first.size();
        }
        assertTrue(finalRows >= 20, "few networks diverge: " + finalRows);
        assertEquals(finalRows + firstRows, r.checkpoints(), "every checkpoint of both epochs the zoo source keeps");

        List<String[]> rows = Files.readAllLines(csv).stream().skip(1).map(l -> l.split(",")).toList();
        assertEquals("zoo,epoch,row,zoo_row,network_id,predicted_test_accuracy,test_accuracy",
                Files.readAllLines(csv).get(0));
        StringWriter predictOut = new StringWriter();
        assertEquals(0, orbit(predictOut, "predict", "--run", run.toString(), "--zoo", reference.toString()));
        List<String> expected = predictOut.toString().lines().skip(1).toList(); // row, predicted, true (final epoch)
        List<String> actual = new ArrayList<>();
        for (String[] c : rows) {
            if (c[1].equals("1")) {
                actual.add(c[2] + "\t" + String.format(Locale.ROOT, "%.6f", Double.parseDouble(c[5])) + "\t"
                        + String.format(Locale.ROOT, "%.6f", Double.parseDouble(c[6])));
            }
        }
        assertEquals(finalRows, expected.size());
        assertEquals(expected, actual);

        // the other epoch, exactly, against the library orbit predict uses
        try (TrainedMetanet metanet = TrainedMetanet.load(run); OrbitZooSource epoch0 = OrbitZooSource.open(reference, 0)) {
            double[] direct = ZooPredictions.predict(metanet, epoch0, IntStream.range(0, epoch0.size()).toArray());
            double[] scored = rows.stream().filter(c -> c[1].equals("0")).mapToDouble(c -> Double.parseDouble(c[5])).toArray();
            assertArrayEquals(direct, scored);
            int[] zooRows = rows.stream().filter(c -> c[1].equals("0")).mapToInt(c -> Integer.parseInt(c[3])).toArray();
            assertArrayEquals(IntStream.range(0, epoch0.size()).map(epoch0::zooRow).toArray(), zooRows);
            assertNotEquals(direct[0], direct[1], "different networks get different predictions");
        }
    }

    @Test
    void aBadOptionIsOneLineAndExitCode2BeforeSparkStarts(@TempDir Path tmp) {
        CommandLine cli = OrbitSparkCommand.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("zoo", "generate", "--recipe", "no-such-recipe", "--out", tmp.resolve("z").toString());
        assertEquals(2, code);
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("Unknown zoo recipe 'no-such-recipe'"), err.toString());
        assertFalse(Files.exists(tmp.resolve("z")), "nothing is written");
    }

    /** Every checkpoint of a zoo by network and epoch. */
    private static Map<String, CheckpointRecord> records(Path zoo) throws IOException {
        Map<String, CheckpointRecord> out = new TreeMap<>();
        try (ZooReader reader = ZooReader.open(zoo)) {
            reader.forEachRecord((row, record) -> out.put(key(record), record));
        }
        return out;
    }

    private static String key(CheckpointRecord r) {
        return String.format(Locale.ROOT, "%05d/%03d", r.networkId(), r.epoch());
    }

    /** Same checkpoints, weights equal bit for bit, metrics and hyperparameters equal. */
    private static void assertSameCheckpoints(Map<String, CheckpointRecord> expected, Map<String, CheckpointRecord> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            CheckpointRecord e = expected.get(k);
            CheckpointRecord a = actual.get(k);
            assertArrayEquals(e.weights(), a.weights(), "weights of " + k);
            assertEquals(e.metrics(), a.metrics(), "metrics of " + k);
            assertEquals(e.hyperparameters(), a.hyperparameters(), "hyperparameters of " + k);
        }
    }

    private static int verify(Path zoo) {
        return orbit(new StringWriter(), "zoo", "verify", zoo.toString());
    }

    private static int orbit(StringWriter out, String... args) {
        CommandLine cli = OrbitCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        return cli.execute(args);
    }
}
