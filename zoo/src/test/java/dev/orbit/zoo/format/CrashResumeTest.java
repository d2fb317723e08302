package dev.orbit.zoo.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments leaves a consistent zoo, and reruns complete it with every checkpoint
 * exactly once and the same weights as an uninterrupted run.
 */
class CrashResumeTest {

    static final long SEED = 21;
    private static final int NETWORKS = 240;

    @TempDir
    Path tmp;

    /** Shard files present, committed or not. */
    private static int shardFiles(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir.resolve("shards"))) {
            return 0;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir.resolve("shards"), "shard-*.safetensors")) {
            int n = 0;
            for (Path ignored : entries) {
                n++;
            }
            return n;
        }
    }

    @Test
    void killNineAtRandomMomentsThenResumeGivesTheUninterruptedZoo() throws Exception {
        Path dir = tmp.resolve("zoo");
        Path log = tmp.resolve("child.log");
        ZooDescription d = SyntheticZoo.mlpDescription(SEED);
        Random random = new Random(SEED);
        int interrupted = 0;
        for (int kill = 0; kill < 4; kill++) {
            int target = Math.min(NETWORKS / 3 - 1, shardFiles(dir) + 1 + random.nextInt(12));
            Process p = ForkedJvm.builder("64m", SyntheticZooMain.class, log, dir.toString(),
                    Integer.toString(NETWORKS), "9", "2").start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // A random number of new shards, then a few ms more: the kill lands in a write or a commit.
            while (shardFiles(dir) < target && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            Thread.sleep(random.nextInt(20));
            p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            if (!Files.exists(dir.resolve("manifest.json"))) {
                continue; // killed before the zoo was created
            }
            try (ZooReader zoo = ZooReader.open(dir)) {
                ZooVerification v = zoo.verify();
                assertTrue(v.ok(), "consistent after kill " + kill + ": " + v.faults());
                int rows = zoo.rows();
                assertEquals(0, rows % 3, "only whole networks are committed");
                if (rows < NETWORKS * 3) {
                    interrupted++;
                }
            }
        }
        assertTrue(interrupted >= 3, "control: the kills must interrupt the writer (" + interrupted + " did)");
        Process finish = ForkedJvm.builder("64m", SyntheticZooMain.class, log, dir.toString(),
                Integer.toString(NETWORKS), "9", "0").start();
        assertTrue(finish.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, finish.exitValue(), Files.readString(log));

        ZooWriterReaderTest.assertEachCheckpointOnce(dir, NETWORKS, d); // exact weights, no duplicates, verified
        try (ZooReader zoo = ZooReader.open(dir); DirectoryStream<Path> shards = Files.newDirectoryStream(dir.resolve("shards"))) {
            int files = 0;
            for (Path f : shards) {
                assertTrue(f.getFileName().toString().matches("shard-\\d{5}\\.safetensors"), "stray " + f);
                files++;
            }
            assertEquals(zoo.shardCount(), files, "every shard file is committed");
            assertTrue(zoo.verify().notes().isEmpty());
        }
    }
}
