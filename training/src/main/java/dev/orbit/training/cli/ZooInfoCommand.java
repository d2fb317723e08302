package dev.orbit.training.cli;

import dev.orbit.zoo.format.ShardInfo;
import dev.orbit.zoo.format.ZooDescription;
import dev.orbit.zoo.format.ZooFormat;
import dev.orbit.zoo.format.ZooManifest;
import dev.orbit.zoo.format.ZooMetricsRow;
import dev.orbit.zoo.format.ZooReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code orbit zoo info DIR}: what a zoo holds, from its manifest and metrics table. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a zoo's size, architecture, networks and accuracy spread.")
final class ZooInfoCommand extends ZooSubcommand {

    @Parameters(index = "0", paramLabel = "DIR", description = "The zoo folder.")
    Path dir;

    @Override
    int execute() throws Exception {
        try (ZooReader zoo = ZooReader.open(dir)) {
            ZooManifest m = zoo.manifest();
            ZooDescription d = m.description();
            long bytes = Files.size(dir.resolve(ZooFormat.MANIFEST)) + Files.size(dir.resolve(ZooFormat.METRICS));
            for (ShardInfo s : m.shards()) {
                bytes += s.bytes();
            }
            List<ZooMetricsRow> rows = zoo.metrics();
            int finalEpoch = d.finalEpoch();
            double[] finalAcc = rows.stream().filter(r -> r.epoch() == finalEpoch)
                    .mapToDouble(r -> r.metrics().testAccuracy()).filter(Double::isFinite).sorted().toArray();
            BitSet diverged = new BitSet();
            rows.stream().filter(r -> r.metrics().diverged()).forEach(r -> diverged.set(r.networkId()));
            int complete = m.completedNetworks().cardinality();

            out().printf(Locale.ROOT, "zoo           %s (format %d, %s in %d shards)%n", dir, m.formatVersion(),
                    humanBytes(bytes), m.shards().size());
            out().printf(Locale.ROOT, "architecture  %s (%,d parameters)%n", d.spec().describe(), d.spec().parameterCount());
            out().printf(Locale.ROOT, "dataset       %s, seed %d, recipe %s, %d epochs%n", d.dataset(), d.seed(),
                    d.recipe(), d.epochs());
            out().printf(Locale.ROOT, "networks      %d of %d complete, %d checkpoints each (epochs %s): %d checkpoints%n",
                    complete, m.networks(), d.checkpointsPerNetwork(), d.checkpointEpochs(), m.rows());
            if (finalAcc.length > 0) {
                out().printf(Locale.ROOT,
                        "test accuracy at epoch %d: min %.4f  q1 %.4f  median %.4f  q3 %.4f  max %.4f (%d networks)%n",
                        finalEpoch, finalAcc[0], quantile(finalAcc, 0.25), quantile(finalAcc, 0.5),
                        quantile(finalAcc, 0.75), finalAcc[finalAcc.length - 1], finalAcc.length);
            } else {
                out().println("test accuracy: no finished network yet");
            }
            out().printf(Locale.ROOT, "diverged      %d networks%n", diverged.cardinality());
            out().printf(Locale.ROOT, "provenance    orbit %s, DJL %s, libtorch %s, git %s, created %s%n",
                    m.provenance().orbitVersion(), m.provenance().djlVersion(), m.provenance().libtorchVersion(),
                    m.provenance().gitCommit() == null ? "unknown" : m.provenance().gitCommit(), m.provenance().createdAt());
        }
        return 0;
    }

    /** Linear interpolation between order statistics (NumPy's default). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    static String humanBytes(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u + 1 < units.length) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static double[] sortedCopy(double[] values) {
        double[] c = values.clone();
        Arrays.sort(c);
        return c;
    }
}
