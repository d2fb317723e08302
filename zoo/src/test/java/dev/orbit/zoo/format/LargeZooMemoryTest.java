package dev.orbit.zoo.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 10,000-network zoo (55 MB of weights) is written, streamed, verified and randomly accessed in
 * JVMs with a 32 MB heap; holding all its weights at once in the same heap fails, so the budget is
 * real.
 */
class LargeZooMemoryTest {

    private static final int NETWORKS = 10_000;
    private static final String HEAP = "32m";

    @TempDir
    Path tmp;

    @Test
    void tenThousandNetworksStreamThroughASmallHeap() throws Exception {
        Path dir = tmp.resolve("zoo");
        assertEquals("0\nwritten", ForkedJvm.run(HEAP, ZooMemoryMain.class, "write", dir.toString(),
                Integer.toString(NETWORKS)).strip());
        long bytes;
        try (Stream<Path> files = Files.list(dir.resolve("shards"))) {
            bytes = files.mapToLong(p -> p.toFile().length()).sum();
        }
        assertTrue(bytes > 50_000_000L, "the weights (" + bytes + " bytes) exceed the heap");

        double expectedSum = 0;
        for (int id = 0; id < NETWORKS; id++) {
            for (float v : SyntheticZoo.record(ZooMemoryMain.SPEC, ZooMemoryMain.SEED, id, 1).weights()) {
                expectedSum += v;
            }
        }
        String streamed = ForkedJvm.run(HEAP, ZooMemoryMain.class, "stream", dir.toString()).strip();
        assertEquals("0\nrows=10000 sum=" + expectedSum + " metrics=10000 verified=true", streamed);

        double expectedRandom = 0;
        for (int row = 7; row < NETWORKS; row += 997) {
            for (float v : SyntheticZoo.record(ZooMemoryMain.SPEC, ZooMemoryMain.SEED, row, 1).weights()) {
                expectedRandom += v;
            }
        }
        for (int row = 4990; row < 5010; row++) {
            for (float v : SyntheticZoo.record(ZooMemoryMain.SPEC, ZooMemoryMain.SEED, row, 1).weights()) {
                expectedRandom += v;
            }
        }
        assertEquals("0\nrandom=" + expectedRandom, ForkedJvm.run(HEAP, ZooMemoryMain.class, "random", dir.toString()).strip());

        // Negative control: loading everything at once does not fit in the same heap.
        String loadAll = ForkedJvm.run(HEAP, ZooMemoryMain.class, "loadAll", dir.toString());
        assertTrue(loadAll.contains("OutOfMemoryError"), loadAll);
    }
}
