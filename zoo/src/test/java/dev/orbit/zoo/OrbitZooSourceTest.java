package dev.orbit.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.format.Provenance;
import dev.orbit.zoo.format.ZooDescription;
import dev.orbit.zoo.format.ZooFormatException;
import dev.orbit.zoo.format.ZooWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An Orbit zoo read as a model-zoo source: one row per network at the chosen epoch, diverged left out. */
class OrbitZooSourceTest {

    private static final NetworkSpec SPEC = NetworkSpec.mlp(ActivationKind.RELU, 3, 4, 2);
    private static final int NETWORKS = 6;
    private static final int DIVERGED = 4; // network 4 diverges at its last checkpoint

    @Test
    void readsTheFinalEpochByDefaultAndLeavesOutDivergedNetworks(@TempDir Path dir) throws Exception {
        write(dir);
        try (OrbitZooSource source = OrbitZooSource.open(dir)) {
            assertEquals(2, source.epoch());
            assertEquals(NETWORKS - 1, source.size());
            assertEquals(1, source.divergedCount());
            for (int row = 0; row < source.size(); row++) {
                int id = source.networkId(row);
                assertNotEquals(DIVERGED, id);
                CheckpointRecord expected = record(id, 2);
                assertArrayEquals(expected.weights(), source.weights(row), 0f);
                assertEquals(expected.metrics().testAccuracy(), source.target(row, "test_accuracy"), 1e-9);
                assertEquals(expected.metrics().generalizationGap(), source.target(row, "gen_gap"), 1e-9);
                assertEquals(expected.hyperparameters().activation(), source.activation(row));
            }
            // Networks 0 and 3 share a recipe and differ only by seed: one group.
            assertEquals(source.group(0), source.group(3));
            assertNotEquals(source.group(0), source.group(1));
        }
        try (OrbitZooSource first = OrbitZooSource.open(dir, 0)) {
            assertEquals(NETWORKS, first.size());
            assertArrayEquals(record(3, 0).weights(), first.weights(3), 0f);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OrbitZooSource.open(dir, 1));
        assertTrue(e.getMessage().contains("[0, 2]"), e.getMessage());
    }

    @Test
    void checkpointsWithNonFiniteWeightsNotFlaggedDivergedAreLeftOutAtLoadTimeOrRefusedWhenStrict(@TempDir Path dir)
            throws Exception {
        // Network 1's final weights hold an infinity and network 3's a NaN, but the metrics do not say diverged.
        write(dir, (id, epoch, w) -> {
            if (epoch == 2 && (id == 1 || id == 3)) {
                w[w.length - 1] = id == 1 ? Float.POSITIVE_INFINITY : Float.NaN;
            }
        });
        int[] flaggedRows = {3, 7}; // zoo rows of (1, epoch 2) and (3, epoch 2): two checkpoints per network
        try (OrbitZooSource source = OrbitZooSource.open(dir)) {
            assertArrayEquals(flaggedRows, source.nonFiniteRows());
            assertEquals(NETWORKS - 3, source.size(), "the two flagged and the diverged network are left out");
            for (int row = 0; row < source.size(); row++) {
                assertTrue(source.networkId(row) != 1 && source.networkId(row) != 3);
                for (float v : source.weights(row)) {
                    assertTrue(Float.isFinite(v));
                }
            }
            String summary = source.nonFiniteSummary();
            assertFalse(summary.contains("\n"), summary);
            assertTrue(summary.contains("2 checkpoints with non-finite weights (zoo rows 3, 7)"), summary);
        }
        try (OrbitZooSource first = OrbitZooSource.open(dir, 0, true)) {
            assertEquals(NETWORKS, first.size(), "control: epoch 0 is finite everywhere, strict accepts it");
            assertEquals(null, first.nonFiniteSummary());
        }
        ZooFormatException e = assertThrows(ZooFormatException.class, () -> OrbitZooSource.open(dir, 2, true));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains(dir + " has 2 checkpoints with non-finite weights (zoo rows 3, 7)"),
                e.getMessage());
    }

    /** Edits a checkpoint's weights in place before it is written. */
    private interface Tamper {
        void apply(int id, int epoch, float[] weights);
    }

    private static void write(Path dir) throws Exception {
        write(dir, (id, epoch, w) -> { });
    }

    private static void write(Path dir, Tamper tamper) throws Exception {
        ZooDescription d = new ZooDescription(SPEC, "synthetic", 1, "test", "{}", 2, List.of(0, 2), "{}");
        try (ZooWriter w = ZooWriter.open(dir, d, NETWORKS, new Provenance("test", "0.35.1", "2.7.1", null,
                "2025-01-01T00:00:00Z"), ZooWriter.Options.defaults().withShardRows(4))) {
            for (int id = 0; id < NETWORKS; id++) {
                for (int epoch : d.checkpointEpochs()) {
                    CheckpointRecord r = record(id, epoch);
                    tamper.apply(id, epoch, r.weights());
                    w.write(r);
                }
            }
        }
    }

    private static CheckpointRecord record(int id, int epoch) {
        SplittableRandom random = new SplittableRandom(id * 31L + epoch);
        float[] w = new float[(int) SPEC.parameterCount()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextDouble(-1, 1);
        }
        boolean diverged = id == DIVERGED && epoch == 2;
        if (diverged) {
            w[0] = Float.NaN;
        }
        Hyperparameters hp = new Hyperparameters(id % 3 == 2 ? ActivationKind.TANH : ActivationKind.RELU, "he_normal", 0.1,
                0.0, 0.0, 1e-4, id % 3 == 1 ? 0.01 : 0.001, "adam", 1.0, 32, 100 + id);
        return new CheckpointRecord(id, epoch, hp, w,
                new CheckpointMetrics(0.5 + 0.05 * id + 0.01 * epoch, 1.0, 0.4 + 0.05 * id, 1.2, diverged));
    }
}
