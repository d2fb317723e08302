package dev.orbit.zoo.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.zoo.CheckpointRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shards staged by workers and committed by the zoo's writer give the zoo a writer alone gives. */
class StagedShardTest {

    private static final ZooDescription D = SyntheticZoo.mlpDescription(3);

    private static List<CheckpointRecord> records(int... ids) {
        List<CheckpointRecord> out = new ArrayList<>();
        for (int id : ids) {
            for (int e : D.checkpointEpochs()) {
                out.add(SyntheticZoo.record(D.spec(), D.seed(), id, e));
            }
        }
        Collections.shuffle(out, new java.util.Random(5)); // workers hand checkpoints over in any order
        return out;
    }

    @Test
    void stagedShardsCommittedInOrderGiveTheSameFilesAsTheWriter(@TempDir Path tmp) throws Exception {
        Path direct = tmp.resolve("direct");
        try (ZooWriter w = ZooWriter.open(direct, D, 6, SyntheticZoo.provenance(), ZooWriter.Options.defaults())) {
            for (int[] shard : new int[][] {{0, 2, 4}, {1, 3, 5}}) {
                for (CheckpointRecord r : records(shard)) {
                    w.write(r);
                }
                w.flush();
            }
        }
        Path staged = tmp.resolve("staged");
        try (ZooWriter w = ZooWriter.open(staged, D, 6, SyntheticZoo.provenance(), ZooWriter.Options.defaults())) {
            StagedShard.write(staged, D, ZooFormat.VERSION, 1, records(5, 3, 1)); // out of order: waits for shard 0
            StagedShard.write(staged, D, ZooFormat.VERSION, 0, records(4, 0, 2));
            for (int i = 0; i < 2; i++) {
                w.commit(StagedShard.find(staged, i).orElseThrow());
            }
        }
        for (String file : List.of("metrics.csv", "shards/shard-00000.safetensors", "shards/shard-00001.safetensors")) {
            assertArrayEquals(Files.readAllBytes(direct.resolve(file)), Files.readAllBytes(staged.resolve(file)), file);
        }
        try (ZooReader reader = ZooReader.open(staged)) {
            ZooVerification v = reader.verify();
            assertTrue(v.ok() && v.complete(), v.faults().toString());
        }
        StagedShard.removeIfEmpty(staged);
        assertFalse(Files.exists(staged.resolve(StagedShard.STAGING_DIR)), "receipts go with their commits");
    }

    @Test
    void aStagedShardWhoseBytesChangedIsNotFound(@TempDir Path tmp) throws Exception {
        Path zoo = tmp.resolve("zoo");
        Files.createDirectories(zoo);
        StagedShard.write(zoo, D, ZooFormat.VERSION, 0, records(0, 1));
        assertTrue(StagedShard.find(zoo, 0).isPresent());
        Path file = StagedShard.shardFile(zoo, 0);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        assertTrue(StagedShard.find(zoo, 0).isEmpty(), "a flipped byte");
        Files.delete(file);
        assertTrue(StagedShard.find(zoo, 0).isEmpty(), "a missing shard");
        assertTrue(StagedShard.find(zoo, 1).isEmpty(), "never staged");
    }

    @Test
    void theWriterRefusesAStagedShardOutOfOrderOrOfCommittedNetworks(@TempDir Path tmp) throws Exception {
        Path zoo = tmp.resolve("zoo");
        try (ZooWriter w = ZooWriter.open(zoo, D, 6, SyntheticZoo.provenance(), ZooWriter.Options.defaults())) {
            StagedShard.write(zoo, D, ZooFormat.VERSION, 1, records(2, 3));
            assertThrows(IllegalArgumentException.class, () -> w.commit(StagedShard.find(zoo, 1).orElseThrow()));
            StagedShard.write(zoo, D, ZooFormat.VERSION, 0, records(0, 1));
            w.commit(StagedShard.find(zoo, 0).orElseThrow());
            StagedShard.write(zoo, D, ZooFormat.VERSION, 1, records(1, 4));
            assertThrows(IllegalArgumentException.class, () -> w.commit(StagedShard.find(zoo, 1).orElseThrow()),
                    "network 1 is committed already");
            assertEquals(2, w.manifest().completedNetworks().cardinality());
        }
    }

    @Test
    void aNetworkWithoutEveryCheckpointCannotBeStaged(@TempDir Path tmp) throws IOException {
        List<CheckpointRecord> partial = new ArrayList<>(records(0, 1));
        partial.remove(new SplittableRandom(1).nextInt(partial.size()));
        assertThrows(IllegalArgumentException.class, () -> StagedShard.write(tmp, D, ZooFormat.VERSION, 0, partial));
    }
}
