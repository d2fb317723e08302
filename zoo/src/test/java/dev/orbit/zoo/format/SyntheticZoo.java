package dev.orbit.zoo.format;

import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.CheckpointMetrics;
import dev.orbit.zoo.CheckpointRecord;
import dev.orbit.zoo.Hyperparameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Test support: seeded synthetic zoos whose every checkpoint is a pure function of (seed, network,
 * epoch), so an interrupted and an uninterrupted run must store identical bytes.
 */
final class SyntheticZoo {

    static final List<Integer> CHECKPOINTS = List.of(0, 1, 3);

    private SyntheticZoo() {}

    /** A 4 -> 5 -> 3 ReLU MLP zoo description (43 parameters). */
    static ZooDescription mlpDescription(long seed) {
        return description(NetworkSpec.mlp(ActivationKind.RELU, 4, 5, 3), seed);
    }

    static ZooDescription description(NetworkSpec spec, long seed) {
        return new ZooDescription(spec, "synthetic", seed, "synthetic-test", "{\"lr\":[0.001,0.1]}", 3, CHECKPOINTS,
                "{\"batch_size\":32}");
    }

    static Provenance provenance() {
        return new Provenance("test", "0.35.1", "2.7.1", null, "2025-01-01T00:00:00Z");
    }

    /** Checkpoint {@code epoch} of network {@code id}: N(0,1) weights, metrics in [0, 1]. */
    static CheckpointRecord record(NetworkSpec spec, long seed, int id, int epoch) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + id * 131L + epoch);
        float[] w = new float[Math.toIntExact(spec.parameterCount())];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        SplittableRandom hpRandom = new SplittableRandom(seed * 7919L + id);
        Hyperparameters hp = new Hyperparameters(hpRandom.nextBoolean() ? ActivationKind.RELU : ActivationKind.TANH,
                "he_normal", 0.05 + hpRandom.nextDouble(), 0.0, 0.1 * hpRandom.nextInt(5), 1e-4, 0.01 * (1 + hpRandom.nextInt(9)),
                hpRandom.nextBoolean() ? "adam" : "sgd", 0.5, 32, seed + id);
        double train = random.nextDouble();
        double test = random.nextDouble();
        CheckpointMetrics m = new CheckpointMetrics(train, random.nextDouble() * 3, test, random.nextDouble() * 3,
                id % 17 == 5);
        return new CheckpointRecord(id, epoch, hp, w, m);
    }

    /** Rewrites a zoo's manifest as format version 1 wrote it: no metrics checksum. */
    static void downgradeToVersion1(Path dir) throws IOException {
        Path manifest = dir.resolve(ZooFormat.MANIFEST);
        Files.writeString(manifest, withoutMetricsChecksum(Files.readString(manifest)
                .replace("\"format_version\": " + ZooFormat.VERSION, "\"format_version\": 1")));
    }

    /** A manifest's text without its {@code metrics_sha256} field. */
    static String withoutMetricsChecksum(String manifestJson) {
        return manifestJson.replaceAll("\\s*\"metrics_sha256\": \"[0-9a-f]{64}\",", "");
    }

    /** Writes networks [0, networks) through a fresh or resumed writer and closes it. */
    static void write(Path dir, ZooDescription d, int networks, int shardRows) throws Exception {
        try (ZooWriter w = ZooWriter.open(dir, d, networks, provenance(),
                ZooWriter.Options.defaults().withShardRows(shardRows))) {
            for (int id : w.remainingNetworks()) {
                for (int e : d.checkpointEpochs()) {
                    w.write(record(d.spec(), d.seed(), id, e));
                }
            }
        }
    }
}
