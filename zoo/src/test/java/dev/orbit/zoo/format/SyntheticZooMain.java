package dev.orbit.zoo.format;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Test entry point: writes a synthetic zoo the way a batched trainer feeds a {@link ZooWriter}
 * (groups of 4 networks, epoch by epoch), pausing between groups so a test can kill it mid-way.
 * Arguments: dir networks shardRows pauseMillis.
 */
public final class SyntheticZooMain {

    private SyntheticZooMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int networks = Integer.parseInt(args[1]);
        int shardRows = Integer.parseInt(args[2]);
        long pause = Long.parseLong(args[3]);
        ZooDescription d = SyntheticZoo.mlpDescription(CrashResumeTest.SEED);
        try (ZooWriter w = ZooWriter.open(dir, d, networks, SyntheticZoo.provenance(),
                ZooWriter.Options.defaults().withShardRows(shardRows))) {
            int[] todo = w.remainingNetworks();
            for (int g = 0; g < todo.length; g += 4) {
                int[] group = Arrays.copyOfRange(todo, g, Math.min(todo.length, g + 4));
                for (int e : d.checkpointEpochs()) {
                    for (int id : group) {
                        w.write(SyntheticZoo.record(d.spec(), d.seed(), id, e));
                    }
                    Thread.sleep(pause);
                }
            }
        }
        System.out.println("done");
    }
}
