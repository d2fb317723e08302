package dev.orbit.zoo.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.CheckpointMetrics;
import dev.orbit.zoo.CheckpointRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each way a zoo folder can be wrong gives one clear line naming the file; each has a sound control.
 * No silent wrong results: a flipped shard byte stops random access, a changed metrics digit fails
 * its checksum, an unfinished zoo is reported as incomplete, and a zoo too large to plan is refused.
 */
class ZooFormatErrorsTest {

    private static final long SEED = 5;

    @TempDir
    Path tmp;

    private Path dir;
    private ZooDescription description;

    @BeforeEach
    void writeZoo() throws Exception {
        dir = tmp.resolve("zoo");
        description = SyntheticZoo.mlpDescription(SEED);
        SyntheticZoo.write(dir, description, 6, 6); // 3 shards of 6 rows
    }

    private Path shard(int i) {
        return dir.resolve(ZooFormat.shardPath(i));
    }

    private static void assertOneLine(Exception e, String... fragments) {
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "'" + f + "' in: " + m);
        }
    }

    @Test
    void corruptShardFailsItsChecksumNamingTheFile() throws Exception {
        flipBit(shard(1), 7, 0x40); // same size, one weight bit flipped
        try (ZooReader zoo = ZooReader.open(dir)) {
            assertEquals(6, zoo.readShard(0).rows(), "control: an intact shard reads");
            ZooFormatException e = assertThrows(ZooFormatException.class, () -> zoo.readShard(1));
            assertEquals(ZooFormatException.Reason.CORRUPT, e.reason());
            assertOneLine(e, "shard-00001.safetensors", "SHA-256");
            ZooVerification v = zoo.verify();
            assertEquals(1, v.faults().size(), v.faults().toString());
            assertOneLine(new Exception(v.faults().get(0)), "shard-00001.safetensors");
        }
    }

    @Test
    void truncatedShardIsReportedAsTruncated() throws Exception {
        try (FileChannel c = FileChannel.open(shard(2), StandardOpenOption.WRITE)) {
            c.truncate(c.size() - 10);
        }
        try (ZooReader zoo = ZooReader.open(dir)) {
            assertEquals(description.spec().parameterCount(), zoo.weights(11).length, "control: shard 1 reads");
            ZooFormatException e = assertThrows(ZooFormatException.class, () -> zoo.weights(12));
            assertOneLine(e, "shard-00002.safetensors", "truncated");
            assertFalse(zoo.verify().ok());
        }
    }

    @Test
    void headerClaimingMoreThanTheFileHoldsIsRefusedBeforeAllocating() throws Exception {
        try (FileChannel c = FileChannel.open(shard(0), StandardOpenOption.WRITE)) {
            c.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40), 0);
        }
        try (ZooReader zoo = ZooReader.open(dir)) {
            assertEquals(description.spec().parameterCount(), zoo.weights(6).length, "control: shard 1 reads");
            ZooFormatException e = assertThrows(ZooFormatException.class, () -> zoo.weights(0));
            assertOneLine(e, "shard-00000.safetensors", "header of " + (1L << 40) + " bytes");
        }
    }

    @Test
    void tensorOffsetsBeyondTheFileAreRefused() throws Exception {
        // Rewrite the JSON header (same length) so that one tensor claims more rows than stored.
        byte[] bytes = Files.readAllBytes(shard(0));
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) headerLength, java.nio.charset.StandardCharsets.US_ASCII);
        String forged = header.replace("\"shape\":[6]", "\"shape\":[9]");
        assertEquals(header.length(), forged.length());
        System.arraycopy(forged.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, bytes, 8, forged.length());
        Files.write(shard(0), bytes);
        try (ZooReader zoo = ZooReader.open(dir)) {
            ZooFormatException e = assertThrows(ZooFormatException.class, () -> zoo.weights(0));
            assertOneLine(e, "shard-00000.safetensors");
        }
    }

    @Test
    void newerManifestVersionIsRefusedByReaderAndWriter() throws Exception {
        Path manifest = dir.resolve("manifest.json");
        String json = Files.readString(manifest);
        int newer = ZooFormat.VERSION + 1;
        Files.writeString(manifest, json.replace("\"format_version\": " + ZooFormat.VERSION, "\"format_version\": " + newer));
        ZooFormatException e = assertThrows(ZooFormatException.class, () -> ZooReader.open(dir));
        assertEquals(ZooFormatException.Reason.NEWER_VERSION, e.reason());
        assertOneLine(e, "manifest.json", "format version " + newer, "upgrade Orbit");
        Map<String, String> before = snapshot(dir);
        assertThrows(ZooFormatException.class, () -> ZooWriter.open(dir, description, 6, SyntheticZoo.provenance(),
                ZooWriter.Options.defaults()));
        assertEquals(before, snapshot(dir), "a refused writer touches nothing");
        Files.writeString(manifest, json);
        ZooReader.open(dir).close(); // control: the current version opens
    }

    @Test
    void folderHoldingAnotherZooIsRefusedUntouched() throws Exception {
        Map<String, String> before = snapshot(dir);
        ZooDescription otherDataset = new ZooDescription(description.spec(), "mnist", SEED, description.recipe(),
                description.hyperparameterSpace(), description.epochs(), description.checkpointEpochs(),
                description.options());
        ZooFormatException e = assertThrows(ZooFormatException.class, () -> ZooWriter.open(dir, otherDataset, 6,
                SyntheticZoo.provenance(), ZooWriter.Options.defaults()));
        assertEquals(ZooFormatException.Reason.DIFFERENT_ZOO, e.reason());
        assertOneLine(e, dir.toString(), "different zoo", "dataset mnist (the folder holds synthetic)");
        ZooDescription otherSpec = SyntheticZoo.description(NetworkSpec.mlp(ActivationKind.RELU, 4, 6, 3), SEED);
        assertOneLine(assertThrows(ZooFormatException.class, () -> ZooWriter.open(dir, otherSpec, 6,
                SyntheticZoo.provenance(), ZooWriter.Options.defaults())), "architecture");
        assertOneLine(assertThrows(ZooFormatException.class, () -> ZooWriter.open(dir,
                SyntheticZoo.mlpDescription(SEED + 1), 6, SyntheticZoo.provenance(), ZooWriter.Options.defaults())),
                "seed " + (SEED + 1));
        assertEquals(before, snapshot(dir), "nothing touched");
        // Control: the same zoo reopens (and, being complete, changes no data).
        SyntheticZoo.write(dir, description, 6, 6);
        ZooWriterReaderTest.assertEachCheckpointOnce(dir, 6, description);
    }

    @Test
    void nonEmptyFolderWithoutManifestIsRefusedUntouched() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(other.resolve("holiday.jpg"), "not a zoo");
        Map<String, String> before = snapshot(other);
        ZooFormatException e = assertThrows(ZooFormatException.class, () -> ZooWriter.open(other, description, 2,
                SyntheticZoo.provenance(), ZooWriter.Options.defaults()));
        assertOneLine(e, "not empty", "holiday.jpg");
        assertEquals(before, snapshot(other));
        assertOneLine(assertThrows(ZooFormatException.class, () -> ZooReader.open(other)), "no manifest.json");
    }

    @Test
    void secondWriterOnTheSameFolderIsRefused() throws Exception {
        try (ZooWriter w = ZooWriter.open(dir, description, 6, SyntheticZoo.provenance(), ZooWriter.Options.defaults())) {
            ZooFormatException e = assertThrows(ZooFormatException.class, () -> ZooWriter.open(dir, description, 6,
                    SyntheticZoo.provenance(), ZooWriter.Options.defaults()));
            assertOneLine(e, "another process");
        }
        ZooWriter.open(dir, description, 6, SyntheticZoo.provenance(), ZooWriter.Options.defaults()).close();
    }

    @Test
    void verifyFlagsNonFiniteWeightsOnlyWhenNotDiverged() throws Exception {
        Path z = tmp.resolve("nan");
        ZooDescription d = SyntheticZoo.mlpDescription(SEED);
        try (ZooWriter w = ZooWriter.open(z, d, 2, SyntheticZoo.provenance(), ZooWriter.Options.defaults())) {
            for (int id = 0; id < 2; id++) {
                for (int e : d.checkpointEpochs()) {
                    CheckpointRecord r = SyntheticZoo.record(d.spec(), SEED, id, e);
                    float[] w2 = r.weights().clone();
                    if (e == 3) {
                        w2[7] = Float.NaN;
                    }
                    boolean diverged = id == 1 && e == 3;
                    CheckpointMetrics m = new CheckpointMetrics(r.metrics().trainAccuracy(), Double.NaN,
                            r.metrics().testAccuracy(), r.metrics().testLoss(), diverged);
                    w.write(new CheckpointRecord(id, e, r.hyperparameters(), w2, m));
                }
            }
        }
        try (ZooReader zoo = ZooReader.open(z)) {
            ZooVerification v = zoo.verify();
            assertEquals(1, v.faults().size(), v.faults().toString());
            assertOneLine(new Exception(v.faults().get(0)), "network 0 epoch 3", "non-finite");
            assertTrue(Double.isNaN(zoo.metrics().get(2).metrics().trainLoss()), "NaN survives metrics.csv");
        }
    }

    @Test
    void metricsDisagreeingWithShardsIsAFault() throws Exception {
        Path metrics = dir.resolve("metrics.csv");
        String text = Files.readString(metrics);
        String[] lines = text.split("\n");
        lines[3] = lines[3].replaceFirst("^0,3,", "4,3,");
        Files.writeString(metrics, String.join("\n", lines) + "\n");
        SyntheticZoo.downgradeToVersion1(dir); // no metrics checksum: the shards alone must catch it
        try (ZooReader zoo = ZooReader.open(dir)) {
            ZooVerification v = zoo.verify();
            assertFalse(v.ok());
            assertOneLine(new Exception(v.faults().get(0)), "metrics.csv line 4", "network 4");
            assertThrows(ZooFormatException.class, () -> zoo.forEachRecord((row, r) -> { }));
        }
    }

    /** Flips the {@code mask} bits of the byte {@code fromEnd} bytes before the end of {@code file}; the size stays. */
    private static void flipBit(Path file, int fromEnd, int mask) throws Exception {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            c.read(b, c.size() - fromEnd);
            b.put(0, (byte) (b.get(0) ^ mask)).rewind();
            c.write(b, c.size() - fromEnd);
        }
    }

    @Test
    void randomAccessChecksEachShardsSha256WhenItFirstTouchesIt() throws Exception {
        flipBit(shard(1), 5, 0x01); // one bit near the end of the data, the size unchanged
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

    @Test
    void aManifestClaimingBillionsOfRowsIsRefusedWithoutAllocatingThem() throws Exception {
        Path small = tmp.resolve("one-shard");
        SyntheticZoo.write(small, description, 2, 6); // one shard: networks 0 and 1, 3 checkpoints each
        Path manifest = small.resolve(ZooFormat.MANIFEST);
        JsonObject m = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
        // 700,000 networks x 3,000 checkpoints = 2.1e9 rows claimed by a shard of 6, in a 60 KB manifest.
        JsonArray epochs = new JsonArray();
        IntStream.range(0, 3000).forEach(epochs::add);
        m.addProperty("epochs", 2999);
        m.add("checkpoint_epochs", epochs);
        m.addProperty("networks", 700_000);
        JsonObject shard = m.getAsJsonArray("shards").get(0).getAsJsonObject();
        shard.addProperty("rows", 700_000 * 3000);
        shard.add("network_ids", JsonParser.parseString("[[0, 699999]]"));
        Files.writeString(manifest, m.toString());
        try (ZooReader zoo = ZooReader.open(small)) {
            assertEquals(2_100_000_000, zoo.rows());
            assertOneLine(assertThrows(ZooFormatException.class, zoo::metrics), "metrics.csv", "ends after 6 rows");
            assertFalse(zoo.verify().ok());
        }
        m.addProperty("networks", 600_000); // the shard lists ids the zoo does not plan
        Files.writeString(manifest, m.toString());
        assertOneLine(assertThrows(ZooFormatException.class, () -> ZooReader.open(small)), "manifest.json",
                "holding network 699999 but plans only 600000 networks");
        m.addProperty("networks", 2_000_000_000);
        Files.writeString(manifest, m.toString());
        assertOneLine(assertThrows(ZooFormatException.class, () -> ZooReader.open(small)), "manifest.json",
                "network count outside [0, " + ZooFormat.MAX_NETWORKS + "]");
    }

    /** Every file under {@code root}: relative path to size and content hash. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    out.put(root.relativize(p).toString(), Files.size(p) + ":" + Arrays.hashCode(Files.readAllBytes(p))
                            + ":" + Files.getLastModifiedTime(p).toMillis());
                } else {
                    out.put(root.relativize(p) + "/", "dir");
                }
            }
        }
        return out;
    }
}
