package dev.orbit.training.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.zoo.CheckpointRecord;
import dev.orbit.zoo.format.ZooReader;
import dev.orbit.zoo.format.ZooVerification;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code orbit zoo generate} in a separate JVM, killed with SIGKILL at random moments and rerun:
 * the zoo is consistent after every kill, and the finished zoo holds every network's checkpoints
 * exactly once with the weights of an uninterrupted run (bitwise) and its metrics (losses to 1e-5).
 */
class ZooGenerateResumeTest {

    private static final int NETWORKS = 16;

    @TempDir
    Path tmp;

    @Test
    void killNineDuringGenerateThenRerunGivesTheUninterruptedZoo() throws Exception {
        Path reference = tmp.resolve("reference");
        ZooCommandTest.Run ref = ZooCommandTest.Run.orbit(args(reference));
        assertEquals(0, ref.code(), ref.err());

        Path dir = tmp.resolve("killed");
        Path log = tmp.resolve("generate.log");
        Random random = new Random(2024);
        int interrupted = 0;
        for (int kill = 0; kill < 3; kill++) {
            int before = shardFiles(dir);
            int target = Math.min(NETWORKS - 1, before + 1 + random.nextInt(4));
            Process p = start(dir, log);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            // Wait for a random number of new shards, then kill within a few ms: in training or mid-commit.
            while (shardFiles(dir) < target && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(random.nextInt(30));
            p.destroyForcibly();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            try (ZooReader zoo = ZooReader.open(dir)) {
                ZooVerification v = zoo.verify();
                assertTrue(v.ok(), "consistent after kill " + kill + ": " + v.faults());
                assertEquals(0, zoo.rows() % 3, "only whole networks are committed");
                if (zoo.rows() < 3 * NETWORKS) {
                    interrupted++;
                }
            }
        }
        assertTrue(interrupted >= 2, "control: a kill must interrupt the run (" + interrupted + " did)");

        Process finish = start(dir, log);
        assertTrue(finish.waitFor(300, TimeUnit.SECONDS), "the rerun finishes");
        assertEquals(0, finish.exitValue(), Files.readString(log));

        Map<String, CheckpointRecord> expected = records(reference);
        Map<String, CheckpointRecord> actual = records(dir);
        assertEquals(3 * NETWORKS, expected.size());
        assertEquals(expected.keySet(), actual.keySet(), "each network's checkpoints exactly once");
        // Resumed networks train in other groups than in the uninterrupted run: the batched trainer gives each
        // member the same arithmetic whatever its group, so weights are bitwise equal; evaluation losses are
        // reduced over the group's batch and may differ in the last float32 bit.
        for (String key : expected.keySet()) {
            CheckpointRecord e = expected.get(key);
            CheckpointRecord a = actual.get(key);
            assertEquals(e.hyperparameters(), a.hyperparameters(), key);
            assertArrayEquals(e.weights(), a.weights(), 0f, key);
            assertEquals(e.metrics().diverged(), a.metrics().diverged(), key);
            assertEquals(e.metrics().trainAccuracy(), a.metrics().trainAccuracy(), 1e-6, key);
            assertEquals(e.metrics().testAccuracy(), a.metrics().testAccuracy(), 1e-6, key);
            assertEquals(e.metrics().trainLoss(), a.metrics().trainLoss(), 1e-5, key);
            assertEquals(e.metrics().testLoss(), a.metrics().testLoss(), 1e-5, key);
        }
        // Negative control: the loss tolerance is far below the distance between two networks' losses.
        assertTrue(Math.abs(expected.get("0@2").metrics().trainLoss() - expected.get("1@2").metrics().trainLoss()) > 1e-3);
        try (ZooReader zoo = ZooReader.open(dir); DirectoryStream<Path> shards = Files.newDirectoryStream(dir.resolve("shards"))) {
            ZooVerification v = zoo.verify();
            assertTrue(v.ok() && v.notes().isEmpty(), v.faults() + " " + v.notes());
            int files = 0;
            for (Path f : shards) {
                assertTrue(f.getFileName().toString().matches("shard-\\d{5}\\.safetensors"), "stray " + f);
                files++;
            }
            assertEquals(zoo.shardCount(), files, "every shard file is committed");
        }
    }

    /** Shard files present, committed or not. */
    private static int shardFiles(Path dir) throws IOException {
        Path shards = dir.resolve("shards");
        if (!Files.isDirectory(shards)) {
            return 0;
        }
        int n = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(shards, "shard-*.safetensors")) {
            for (Path ignored : entries) {
                n++;
            }
        }
        return n;
    }

    private static String[] args(Path out) {
        return ZooCommandTest.Run.tinyZoo(out.toString(), NETWORKS, "--shard-rows", "3");
    }

    private static Process start(Path dir, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", classPath(), OrbitCommand.class.getName()));
        command.addAll(List.of(args(dir)));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    private static Map<String, CheckpointRecord> records(Path dir) throws IOException {
        Map<String, CheckpointRecord> out = new TreeMap<>();
        try (ZooReader zoo = ZooReader.open(dir)) {
            zoo.forEachRecord((row, r) -> {
                if (out.put(r.networkId() + "@" + r.epoch(), r) != null) {
                    throw new AssertionError("duplicate " + r.networkId() + "@" + r.epoch());
                }
            });
        }
        return out;
    }
}
