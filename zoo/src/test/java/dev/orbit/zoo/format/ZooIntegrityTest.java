package dev.orbit.zoo.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No silent wrong results from a damaged zoo: a flipped shard byte stops random access, a changed
 * metrics digit fails its checksum, an unfinished zoo is reported as incomplete, and a zoo too large
 * to plan is refused before anything is allocated or written.
 */
class ZooIntegrityTest {

    private static final long SEED = 11;

    @TempDir
    Path tmp;

    private Path dir;
    private ZooDescription description;

    @BeforeEach
    void writeZoo() throws Exception {
        dir = tmp.resolve("zoo");
        description = SyntheticZoo.mlpDescription(SEED);
        SyntheticZoo.write(dir, description, 6, 6); // 3 shards of 2 networks x 3 checkpoints
    }

    private static void assertOneLine(Exception e, String... fragments) {
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "'" + f + "' in: " + m);
        }
    }

    /** Flips one bit of the byte {@code fromEnd} bytes before the end of {@code file}; the size stays. */
    private static void flipByte(Path file, int fromEnd) throws Exception {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            c.read(b, c.size() - fromEnd);
            b.put(0, (byte) (b.get(0) ^ 0x01)).rewind();
            c.write(b, c.size() - fromEnd);
        }
    }

    @Test
    void randomAccessChecksEachShardsSha256WhenItFirstTouchesIt() throws Exception {
        flipByte(dir.resolve(ZooFormat.shardPath(1)), 5); // the lowest bit of a weight in the shard's last row
        try (ZooReader zoo = ZooReader.open(dir)) {
            float[] expected = SyntheticZoo.record(description.spec(), SEED, 0, 0).weights();
            assertArrayEquals(expected, zoo.weights(0), 0f, "control: an intact shard reads");
            ZooFormatException e = assertThrows(ZooFormatException.class, () -> zoo.weights(6));
            assertEquals(ZooFormatException.Reason.CORRUPT, e.reason());
            assertOneLine(e, "shard-00001.safetensors", "SHA-256");
            assertThrows(ZooFormatException.class, () -> zoo.readRows(5, 7), "nor through a range that spans it");
        }
    }

    @Test
    void aChangedMetricsDigitFailsTheMetricsChecksum() throws Exception {
        Path metrics = dir.resolve(ZooFormat.METRICS);
        try (ZooReader zoo = ZooReader.open(dir)) {
            assertTrue(zoo.verify().ok(), "control: the intact zoo verifies");
            assertEquals(6 * 3, zoo.metrics().size());
        }
        // Change one digit of one test_accuracy (column 7 of data line 4), keeping the length.
        String text = Files.readString(metrics, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        String[] cells = lines[4].split(",");
        String accuracy = cells[6];
        char last = accuracy.charAt(accuracy.length() - 1);
        cells[6] = accuracy.substring(0, accuracy.length() - 1) + (last == '9' ? '8' : (char) (last + 1));
        lines[4] = String.join(",", cells);
        String forged = String.join("\n", lines);
        assertEquals(text.length(), forged.length());
        Files.writeString(metrics, forged, StandardCharsets.UTF_8);

        try (ZooReader zoo = ZooReader.open(dir)) {
            ZooFormatException e = assertThrows(ZooFormatException.class, zoo::metrics);
            assertEquals(ZooFormatException.Reason.CORRUPT, e.reason());
            assertOneLine(e, "metrics.csv", "SHA-256");
            assertThrows(ZooFormatException.class, () -> zoo.forEachRecord((row, r) -> { }));
            ZooVerification v = zoo.verify();
            assertFalse(v.ok());
            assertTrue(v.faults().stream().anyMatch(f -> f.contains("metrics.csv") && f.contains("SHA-256")),
                    v.faults().toString());
        }
        ZooFormatException refused = assertThrows(ZooFormatException.class, () -> ZooWriter.open(dir, description, 8,
                SyntheticZoo.provenance(), ZooWriter.Options.defaults()));
        assertOneLine(refused, "metrics.csv", "SHA-256"); // a writer does not extend changed metrics
    }

    @Test
    void uncommittedMetricsBytesAfterACrashDoNotBreakTheChecksum() throws Exception {
        // What a kill between appending metrics and writing the manifest leaves behind.
        Files.writeString(dir.resolve(ZooFormat.METRICS), "6,0,3,0,0.5,half a line", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (ZooReader zoo = ZooReader.open(dir)) {
            assertEquals(18, zoo.metrics().size());
            assertTrue(zoo.verify().ok(), zoo.verify().faults().toString());
        }
        SyntheticZoo.write(dir, description, 8, 6); // resumes: truncates, then appends two networks
        ZooWriterReaderTest.assertEachCheckpointOnce(dir, 8, description);
    }

    @Test
    void versionOneZoosAreReadWithTheirMetricsUncheckedAndANote() throws Exception {
        Path manifest = dir.resolve(ZooFormat.MANIFEST);
        String v2 = Files.readString(manifest, StandardCharsets.UTF_8);
        SyntheticZoo.downgradeToVersion1(dir);
        assertFalse(Files.readString(manifest).contains("metrics_sha256"));
        try (ZooReader zoo = ZooReader.open(dir)) {
            assertFalse(zoo.manifest().checksMetrics());
            assertEquals(18, zoo.metrics().size());
            ZooVerification v = zoo.verify();
            assertTrue(v.ok(), v.faults().toString());
            assertTrue(v.notes().stream().anyMatch(n -> n.contains("metrics.csv has no checksum")), v.notes().toString());
        }
        SyntheticZoo.write(dir, description, 8, 6); // a writer resumes a version 1 zoo and keeps it at version 1
        assertEquals(1, ZooManifest.read(dir).formatVersion());
        ZooWriterReaderTest.assertEachCheckpointOnce(dir, 8, description);

        Files.writeString(manifest, SyntheticZoo.withoutMetricsChecksum(v2));
        assertOneLine(assertThrows(ZooFormatException.class, () -> ZooReader.open(dir)), "manifest.json",
                "metrics_sha256"); // from version 2 on, the checksum is required
    }

    @Test
    void verifyTellsAnIncompleteZooFromACompleteOne() throws Exception {
        try (ZooReader zoo = ZooReader.open(dir)) {
            ZooVerification v = zoo.verify();
            assertTrue(v.ok() && v.complete(), "control: 6 of 6");
        }
        Path empty = tmp.resolve("empty");
        ZooWriter.open(empty, description, 24, SyntheticZoo.provenance(), ZooWriter.Options.defaults()).close();
        try (ZooReader zoo = ZooReader.open(empty)) {
            ZooVerification v = zoo.verify();
            assertTrue(v.ok(), "sound: " + v.faults());
            assertFalse(v.complete());
            assertEquals(0, v.completeNetworks());
            assertEquals(24, v.networks());
        }
    }

    @Test
    void aZooTooLargeToPlanIsRefusedBeforeAnythingIsWritten() {
        Path huge = tmp.resolve("huge");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ZooWriter.open(huge,
                description, 2_000_000_000, SyntheticZoo.provenance(), ZooWriter.Options.defaults()));
        assertOneLine(e, "2000000000", Integer.toString(ZooFormat.MAX_NETWORKS));
        assertFalse(Files.exists(huge), "nothing written");
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> ZooWriter.requirePlannable(ZooFormat.MAX_NETWORKS, 3000));
        assertOneLine(rows, "rows");
        ZooWriter.requirePlannable(ZooFormat.MAX_NETWORKS, 3); // control: the limit itself is allowed
    }
}
