package dev.orbit.zoo.format;

import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * Test entry point run under a small heap. Modes: {@code write dir networks} writes a one-checkpoint
 * MLP zoo; {@code stream dir} streams every record and prints the weight sum; {@code random dir}
 * reads rows at random positions; {@code loadAll dir} holds all weights at once (the negative control).
 */
public final class ZooMemoryMain {

    static final NetworkSpec SPEC = NetworkSpec.mlp(ActivationKind.RELU, 32, 32, 10);
    static final long SEED = 17;

    private ZooMemoryMain() {}

    static ZooDescription description() {
        return new ZooDescription(SPEC, "synthetic", SEED, "memory-test", "{}", 1, List.of(1), "{}");
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "write": {
                int networks = Integer.parseInt(args[2]);
                try (ZooWriter w = ZooWriter.open(dir, description(), networks, SyntheticZoo.provenance(),
                        ZooWriter.Options.defaults().withShardRows(500))) {
                    for (int id = 0; id < networks; id++) {
                        w.write(SyntheticZoo.record(SPEC, SEED, id, 1));
                    }
                }
                System.out.println("written");
                break;
            }
            case "stream": {
                double[] sum = new double[1];
                int[] rows = new int[1];
                try (ZooReader zoo = ZooReader.open(dir)) {
                    zoo.forEachRecord((row, r) -> {
                        for (float v : r.weights()) {
                            sum[0] += v;
                        }
                        rows[0]++;
                    });
                    System.out.println("rows=" + rows[0] + " sum=" + sum[0] + " metrics=" + zoo.metrics().size()
                            + " verified=" + zoo.verify().ok());
                }
                break;
            }
            case "random": {
                double sum = 0;
                try (ZooReader zoo = ZooReader.open(dir)) {
                    for (int row = 7; row < zoo.rows(); row += 997) {
                        for (float v : zoo.weights(row)) {
                            sum += v;
                        }
                    }
                    for (float v : zoo.readRows(4990, 5010)) {
                        sum += v;
                    }
                }
                System.out.println("random=" + sum);
                break;
            }
            case "loadAll": {
                try (ZooReader zoo = ZooReader.open(dir)) {
                    float[] all = zoo.readRows(0, zoo.rows());
                    System.out.println("loaded " + all.length);
                }
                break;
            }
            default:
                throw new IllegalArgumentException(args[0]);
        }
    }
}
