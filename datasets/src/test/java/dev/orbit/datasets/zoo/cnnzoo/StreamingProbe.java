package dev.orbit.datasets.zoo.cnnzoo;

import dev.orbit.datasets.io.Npy;
import dev.orbit.datasets.zoo.ZooNormalization;
import java.nio.file.Path;

/**
 * Run in a child JVM with a small heap by {@link SmallCnnZooSourceTest}: {@code stream} passes over
 * every network of a zoo (normalisation statistics on all rows), {@code load} loads weights.npy
 * whole (the negative control, which must not fit).
 */
public final class StreamingProbe {

    private StreamingProbe() {}

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[1]);
        if (args[0].equals("stream")) {
            try (SmallCnnZooSource source = SmallCnnZooSource.open(folder)) {
                int[] all = new int[source.size()];
                for (int i = 0; i < all.length; i++) {
                    all[i] = i;
                }
                ZooNormalization n = ZooNormalization.fit(source, all, "test_accuracy");
                System.out.println("streamed " + all.length + " networks, layer-0 weight std " + n.weightStd(0));
            }
        } else {
            System.out.println("loaded " + Npy.read(folder.resolve("weights.npy")).size() + " floats");
        }
    }
}
