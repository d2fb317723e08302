package dev.orbit.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.zoo.InMemoryZooSource;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.training.cli.TrainPredictAccuracyCommandTest.Run;
import dev.orbit.training.fit.SyntheticZoo;
import dev.orbit.zoo.CheckpointMetrics;
import dev.orbit.zoo.CheckpointRecord;
import dev.orbit.zoo.Hyperparameters;
import dev.orbit.zoo.format.Provenance;
import dev.orbit.zoo.format.ZooDescription;
import dev.orbit.zoo.format.ZooFormat;
import dev.orbit.zoo.format.ZooWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line on damaged or unusual Orbit zoos: {@code zoo verify}'s exit codes, training on a
 * zoo with non-finite checkpoints, and a zoo too large to plan. Zoos are written here, seeded.
 */
class ZooIntegrityCommandTest {

    private static final ZooDescription DESCRIPTION = new ZooDescription(SyntheticZoo.SPEC, "synthetic", 3, "test",
            "{}", 1, List.of(1), "{}");

    /**
     * Writes networks 0 .. {@code networks}-1 of a {@code planned}-network zoo (one checkpoint each, zoo
     * row = network id); the weights of {@code nonFinite} networks get a NaN that the metrics do not flag.
     */
    private static Path writeZoo(Path dir, int networks, int planned, Set<Integer> nonFinite) throws Exception {
        InMemoryZooSource source = SyntheticZoo.create(networks, 5, false);
        try (ZooWriter w = ZooWriter.open(dir, DESCRIPTION, planned,
                new Provenance("test", "0.35.1", "2.7.1", null, "2025-01-01T00:00:00Z"),
                ZooWriter.Options.defaults().withShardRows(8))) {
            for (int id = 0; id < networks; id++) {
                float[] weights = source.weights(id);
                if (nonFinite.contains(id)) {
                    weights[3] = Float.NaN;
                }
                double accuracy = source.target(id, "test_accuracy");
                Hyperparameters hp = new Hyperparameters(ActivationKind.RELU, "he_normal", 0.1, 0.0, 0.0, 1e-4, 0.01,
                        "adam", 1.0, 32, id);
                w.write(new CheckpointRecord(id, 1, hp, weights,
                        new CheckpointMetrics(accuracy, 1.0, accuracy, 1.0, false)));
            }
        }
        return dir;
    }

    private static void assertOneLine(Run run, int code, String... fragments) {
        assertEquals(code, run.exitCode(), run.out() + run.err());
        String err = run.err().strip();
        assertFalse(err.contains("\n") || err.contains("\tat "), "one line, no stack trace: " + err);
        for (String f : fragments) {
            assertTrue(err.contains(f), "'" + f + "' in: " + err);
        }
    }

    @Test
    void verifyExitsZeroWhenCompleteOneWhenCorruptAndThreeWhenIncomplete(@TempDir Path tmp) throws Exception {
        Path complete = writeZoo(tmp.resolve("complete"), 6, 6, Set.of());
        Run ok = TrainPredictAccuracyCommandTest.orbit("zoo", "verify", complete.toString());
        assertEquals(0, ok.exitCode(), ok.out() + ok.err());
        assertTrue(ok.out().startsWith("OK "), ok.out());

        Path empty = writeZoo(tmp.resolve("empty"), 0, 24, Set.of());
        Run incomplete = TrainPredictAccuracyCommandTest.orbit("zoo", "verify", empty.toString());
        assertEquals(ZooVerifyCommand.INCOMPLETE, incomplete.exitCode(), incomplete.out() + incomplete.err());
        assertEquals(3, ZooVerifyCommand.INCOMPLETE);
        assertTrue(incomplete.out().startsWith("INCOMPLETE " + empty + ": 0 of 24 networks committed"),
                incomplete.out());
        Run partial = TrainPredictAccuracyCommandTest.orbit("zoo", "verify",
                writeZoo(tmp.resolve("partial"), 6, 24, Set.of()).toString());
        assertEquals(3, partial.exitCode());
        assertTrue(partial.out().contains("6 of 24 networks"), partial.out());

        // One changed digit of network 0's train accuracy in a complete zoo: corrupt, exit 1, the file named.
        Path metrics = complete.resolve(ZooFormat.METRICS);
        String text = Files.readString(metrics, StandardCharsets.UTF_8);
        String row0 = "\n0,1,0,0,"; // network 0, epoch 1, shard 0, row 0, then train_accuracy
        int digit = text.indexOf(row0) + row0.length() + 3;
        assertTrue(Character.isDigit(text.charAt(digit)), text);
        String forged = text.substring(0, digit) + (text.charAt(digit) == '9' ? '8' : '9') + text.substring(digit + 1);
        Files.writeString(metrics, forged, StandardCharsets.UTF_8);
        Run corrupt = TrainPredictAccuracyCommandTest.orbit("zoo", "verify", complete.toString());
        assertEquals(ZooVerifyCommand.FAULTY, corrupt.exitCode(), corrupt.out() + corrupt.err());
        assertTrue(corrupt.out().contains("FAULT ") && corrupt.out().contains("metrics.csv"), corrupt.out());

        Run help = TrainPredictAccuracyCommandTest.orbit("zoo", "verify", "--help");
        for (String line : new String[] {"Exit codes:", "0   sound and complete", "1   corrupt", "3   sound but incomplete"}) {
            assertTrue(help.out().contains(line), line + " in:\n" + help.out());
        }
    }

    @Test
    void trainingLeavesOutNonFiniteCheckpointsWithOneLineOrRefusesThemWithStrict(@TempDir Path tmp) throws Exception {
        Path zoo = writeZoo(tmp.resolve("zoo"), 40, 40, Set.of(5, 17));
        String[] args = {"train", "predict-accuracy", "--zoo", zoo.toString(), "--model", "statnn", "--head-width", "16",
            "--epochs", "3", "--batch-size", "8", "--loss", "mse", "--out", tmp.resolve("run").toString()};

        String[] strict = java.util.Arrays.copyOf(args, args.length + 1);
        strict[args.length] = "--strict";
        assertOneLine(TrainPredictAccuracyCommandTest.orbit(strict), 2, "2 checkpoints with non-finite weights",
                "zoo rows 5, 17", zoo.toString());
        assertFalse(Files.exists(tmp.resolve("run")), "a refused run writes nothing");

        Run run = TrainPredictAccuracyCommandTest.orbit(args);
        assertEquals(0, run.exitCode(), run.err());
        String summary = "Left out 2 checkpoints with non-finite weights (zoo rows 5, 17)";
        assertEquals(1, run.out().split(java.util.regex.Pattern.quote(summary), -1).length - 1, run.out());
        assertTrue(run.out().contains("epoch   3/3"), run.out());
        assertFalse(run.out().contains("non-finite loss"), "no per-epoch warning: " + run.out());
        assertTrue(run.out().contains("38 networks, 2 with non-finite weights left out"), run.out());
    }

    @Test
    void generateRefusesMoreNetworksThanAZooCanPlanInOneLine(@TempDir Path tmp) {
        Path out = tmp.resolve("huge");
        Run run = TrainPredictAccuracyCommandTest.orbit("zoo", "generate", "--dataset", "digits", "--arch", "mlp:8,10",
                "--networks", "2000000000", "--epochs", "1", "--out", out.toString());
        assertOneLine(run, 2, "2000000000", Integer.toString(ZooFormat.MAX_NETWORKS));
        assertFalse(Files.exists(out), "nothing written");
    }
}
