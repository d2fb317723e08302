package dev.orbit.zoo.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.io.NpyArray;
import dev.orbit.datasets.io.SafeTensors;
import dev.orbit.zoo.CheckpointRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooWriterReaderTest {

    private static final long SEED = 11;

    @TempDir
    Path tmp;

    @Test
    void roundTripKeepsEveryCheckpointExactlyOnceInNetworkEpochOrder() throws Exception {
        ZooDescription d = SyntheticZoo.mlpDescription(SEED);
        Path dir = tmp.resolve("zoo");
        SyntheticZoo.write(dir, d, 10, 7);
        try (ZooReader zoo = ZooReader.open(dir)) {
            assertEquals(30, zoo.rows());
            assertEquals(4, zoo.shardCount(), "networks of 3 checkpoints grouped into shards of >= 7 rows");
            assertEquals(43, zoo.parameterCount());
            List<int[]> seen = new ArrayList<>();
            zoo.forEachRecord((row, r) -> {
                CheckpointRecord expected = SyntheticZoo.record(d.spec(), SEED, r.networkId(), r.epoch());
                assertArrayEquals(expected.weights(), r.weights(), 0f, "row " + row);
                assertEquals(expected.metrics(), r.metrics());
                assertEquals(expected.hyperparameters(), r.hyperparameters());
                seen.add(new int[] {r.networkId(), r.epoch()});
            });
            for (int i = 0; i < seen.size(); i++) {
                assertEquals(i / 3, seen.get(i)[0]);
                assertEquals(SyntheticZoo.CHECKPOINTS.get(i % 3), seen.get(i)[1]);
            }
            // Negative control: another seed's weights are not what the zoo holds.
            assertFalse(Arrays.equals(SyntheticZoo.record(d.spec(), SEED + 1, 0, 0).weights(), zoo.weights(0)));
        }
    }

    @Test
    void randomAccessAcrossShardBoundariesMatchesStreaming() throws Exception {
        ZooDescription d = SyntheticZoo.mlpDescription(SEED);
        Path dir = tmp.resolve("zoo");
        SyntheticZoo.write(dir, d, 10, 7);
        try (ZooReader zoo = ZooReader.open(dir)) {
            float[] all = new float[zoo.rows() * zoo.parameterCount()];
            zoo.forEachShard(s -> System.arraycopy(s.weights(), 0, all, s.info().firstRow() * zoo.parameterCount(),
                    s.weights().length));
            int p = zoo.parameterCount();
            float[] span = zoo.readRows(5, 23); // crosses shards 0|1|2
            assertArrayEquals(Arrays.copyOfRange(all, 5 * p, 23 * p), span, 0f);
            for (int row : new int[] {0, 8, 9, 17, 29}) {
                assertArrayEquals(Arrays.copyOfRange(all, row * p, (row + 1) * p), zoo.weights(row), 0f, "row " + row);
                CheckpointRecord r = zoo.record(row);
                assertEquals(zoo.metrics().get(row).networkId(), r.networkId());
            }
            assertEquals(1, zoo.shardOf(9));
            assertThrows(IndexOutOfBoundsException.class, () -> zoo.weights(30));
        }
    }

    @Test
    void shardTensorsStackEachParameterAcrossCheckpoints() throws Exception {
        ZooDescription d = SyntheticZoo.mlpDescription(SEED);
        Path dir = tmp.resolve("zoo");
        SyntheticZoo.write(dir, d, 3, 100);
        Map<String, NpyArray> tensors = SafeTensors.read(dir.resolve("shards/shard-00000.safetensors"));
        assertEquals(Set.of("network_id", "epoch", "layer0.weight", "layer0.bias", "layer1.weight", "layer1.bias"),
                tensors.keySet());
        assertArrayEquals(new long[] {9, 5, 4}, tensors.get("layer0.weight").shape());
        assertArrayEquals(new long[] {9, 5}, tensors.get("layer0.bias").shape());
        assertArrayEquals(new long[] {9, 3, 5}, tensors.get("layer1.weight").shape());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 2, 2, 2}, tensors.get("network_id").toIntArray());
        assertArrayEquals(new int[] {0, 1, 3, 0, 1, 3, 0, 1, 3}, tensors.get("epoch").toIntArray());
        float[] w1 = tensors.get("layer1.weight").toFloatArray();
        float[] expected = SyntheticZoo.record(d.spec(), SEED, 1, 3).weights(); // row 5
        // layer1.weight is at canonical offset 20 + 5 = 25, 15 values per row.
        assertArrayEquals(Arrays.copyOfRange(expected, 25, 40), Arrays.copyOfRange(w1, 5 * 15, 6 * 15), 0f);
        // Negative control: the bias slice of the same row differs.
        assertFalse(Arrays.equals(Arrays.copyOfRange(expected, 40, 43), Arrays.copyOfRange(w1, 5 * 15, 5 * 15 + 3)));
        String metrics = Files.readString(dir.resolve("metrics.csv"));
        assertTrue(metrics.startsWith("network_id,epoch,shard,row,train_accuracy,train_loss,test_accuracy,test_loss,"
                + "gen_gap,diverged,activation,w_init,"), metrics);
        assertEquals(10, metrics.lines().count());
    }

    @Test
    void interleavedCheckpointsCommitOnlyCompleteNetworks() throws Exception {
        ZooDescription d = SyntheticZoo.mlpDescription(SEED);
        Path dir = tmp.resolve("zoo");
        // A batched trainer emits epoch 0 of every network, then epoch 1, ...; stop before the last epoch of 4..7.
        try (ZooWriter w = ZooWriter.open(dir, d, 8, SyntheticZoo.provenance(),
                ZooWriter.Options.defaults().withShardRows(4))) {
            for (int e : d.checkpointEpochs()) {
                for (int id = 0; id < 8; id++) {
                    if (e == 3 && id >= 4) {
                        continue;
                    }
                    w.write(SyntheticZoo.record(d.spec(), SEED, id, e));
                }
            }
            assertArrayEquals(new int[] {4, 5, 6, 7}, w.incompleteNetworks());
        }
        try (ZooReader zoo = ZooReader.open(dir)) {
            assertEquals(12, zoo.rows(), "only networks 0..3 are committed");
        }
        try (ZooWriter w = ZooWriter.open(dir, d, 8, SyntheticZoo.provenance(), ZooWriter.Options.defaults())) {
            assertTrue(w.recovery().resumed());
            assertEquals(4, w.recovery().completedNetworks());
            assertArrayEquals(new int[] {4, 5, 6, 7}, w.remainingNetworks());
            for (int id = 0; id < 8; id++) { // a trainer that repeats finished networks
                for (int e : d.checkpointEpochs()) {
                    w.write(SyntheticZoo.record(d.spec(), SEED, id, e));
                }
            }
            assertEquals(12, w.duplicatesDropped());
        }
        assertEachCheckpointOnce(dir, 8, d);
    }

    @Test
    void reopeningCleansUpAnInterruptedCommitAndReadersIgnoreIt() throws Exception {
        ZooDescription d = SyntheticZoo.mlpDescription(SEED);
        Path dir = tmp.resolve("zoo");
        SyntheticZoo.write(dir, d, 6, 6);
        long committed = Files.size(dir.resolve("metrics.csv"));
        // What kill -9 can leave: a temp shard, a renamed but uncommitted shard, half a metrics line, a temp manifest.
        Files.write(dir.resolve("shards/.shard-00003.safetensors.tmp"), new byte[] {1, 2, 3});
        Files.copy(dir.resolve("shards/shard-00000.safetensors"), dir.resolve("shards/shard-00003.safetensors"));
        Files.writeString(dir.resolve("metrics.csv"), "7,0,3,0,0.5,", StandardOpenOption.APPEND);
        Files.writeString(dir.resolve(".manifest.json.tmp"), "{\"format\":");
        try (ZooReader zoo = ZooReader.open(dir)) {
            ZooVerification v = zoo.verify();
            assertTrue(v.ok(), v.faults().toString());
            assertEquals(4, v.notes().size(), v.notes().toString());
            assertEquals(18, zoo.metrics().size());
        }
        try (ZooWriter w = ZooWriter.open(dir, d, 6, SyntheticZoo.provenance(), ZooWriter.Options.defaults())) {
            assertEquals(new ZooWriter.Recovery(true, 2, 1, 12, 6), w.recovery());
        }
        assertFalse(Files.exists(dir.resolve("shards/shard-00003.safetensors")));
        assertFalse(Files.exists(dir.resolve("shards/.shard-00003.safetensors.tmp")));
        assertEquals(committed, Files.size(dir.resolve("metrics.csv")));
        try (ZooReader zoo = ZooReader.open(dir)) {
            assertTrue(zoo.verify().notes().isEmpty());
        }
    }

    @Test
    void randomAccessTouchesOnlyTheShardItReads() throws Exception {
        ZooDescription d = SyntheticZoo.mlpDescription(SEED);
        Path dir = tmp.resolve("zoo");
        SyntheticZoo.write(dir, d, 6, 6);
        Files.delete(dir.resolve("shards/shard-00002.safetensors"));
        try (ZooReader zoo = ZooReader.open(dir)) {
            assertArrayEquals(SyntheticZoo.record(d.spec(), SEED, 0, 0).weights(), zoo.weights(0), 0f);
            ZooFormatException e = assertThrows(ZooFormatException.class, () -> zoo.weights(17));
            assertTrue(e.getMessage().contains("shard-00002.safetensors is missing"), e.getMessage());
        }
    }

    @Test
    void rerunningWithMoreNetworksExtendsTheZoo() throws Exception {
        ZooDescription d = SyntheticZoo.mlpDescription(SEED);
        Path dir = tmp.resolve("zoo");
        SyntheticZoo.write(dir, d, 4, 5);
        SyntheticZoo.write(dir, d, 9, 5);
        assertEachCheckpointOnce(dir, 9, d);
        try (ZooReader zoo = ZooReader.open(dir)) {
            assertEquals(9, zoo.manifest().networks());
        }
        ZooFormatException e = assertThrows(ZooFormatException.class, () -> ZooWriter.open(dir, d, 8,
                SyntheticZoo.provenance(), ZooWriter.Options.defaults()));
        assertTrue(e.getMessage().contains("already holds network 8"), e.getMessage());
    }

    @Test
    void manifestRecordsProvenanceAndShardRanges() throws Exception {
        ZooDescription d = SyntheticZoo.mlpDescription(SEED);
        Path dir = tmp.resolve("zoo");
        SyntheticZoo.write(dir, d, 5, 6);
        ZooManifest m = ZooManifest.read(dir);
        assertEquals(ZooFormat.VERSION, m.formatVersion());
        assertEquals(d, m.description());
        assertEquals("0.35.1", m.provenance().djlVersion());
        assertEquals(List.of(new ShardInfo.IdRange(0, 1)), m.shards().get(0).networkIds());
        assertEquals(m, ZooManifest.fromJson(m.toJson(), "test"));
        String json = Files.readString(dir.resolve("manifest.json"), StandardCharsets.UTF_8);
        for (String field : new String[] {"\"format_version\": 2", "\"metrics_sha256\"", "\"network_spec\"", "\"dataset\": \"synthetic\"",
            "\"hyperparameter_space\"", "\"libtorch_version\": \"2.7.1\"", "\"sha256\"", "\"first_network_id\": 4"}) {
            assertTrue(json.contains(field), field + " in " + json);
        }
    }

    static void assertEachCheckpointOnce(Path dir, int networks, ZooDescription d) throws Exception {
        Set<String> seen = new HashSet<>();
        try (ZooReader zoo = ZooReader.open(dir)) {
            assertEquals(networks * d.checkpointsPerNetwork(), zoo.rows());
            zoo.forEachRecord((row, r) -> {
                assertTrue(seen.add(r.networkId() + "@" + r.epoch()), "duplicate " + r.networkId() + "@" + r.epoch());
                assertArrayEquals(SyntheticZoo.record(d.spec(), d.seed(), r.networkId(), r.epoch()).weights(),
                        r.weights(), 0f);
            });
            assertTrue(zoo.verify().ok());
        }
        assertEquals(networks * d.checkpointsPerNetwork(), seen.size());
    }
}
