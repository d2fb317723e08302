package dev.orbit.zoo;

import dev.orbit.datasets.zoo.ModelZooSource;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.format.ZooFormatException;
import dev.orbit.zoo.format.ZooMetricsRow;
import dev.orbit.zoo.format.ZooReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An Orbit zoo folder ({@link ZooReader}) as a {@link ModelZooSource}: one row per network, its
 * checkpoint at one epoch (by default the zoo's final checkpoint epoch). Checkpoints flagged as
 * diverged are left out, since their weights are not finite. Opening reads every chosen checkpoint
 * once, which verifies each shard's checksum and flags checkpoints whose weights hold NaN or
 * infinity without being flagged diverged (a corrupt or hand-edited zoo): those are left out and
 * counted ({@link #nonFiniteSummary()}), or refused when strict. Afterwards weights are read by
 * random access, one row at a time; the metrics table is held in memory.
 */
public final class OrbitZooSource implements ModelZooSource {

    private final ZooReader reader;
    private final int epoch;
    private final int[] zooRows;
    private final List<ZooMetricsRow> metrics;
    private final int diverged;
    private final int[] nonFinite;

    private OrbitZooSource(ZooReader reader, int epoch, int[] zooRows, List<ZooMetricsRow> metrics, int diverged,
            int[] nonFinite) {
        this.reader = reader;
        this.epoch = epoch;
        this.zooRows = zooRows;
        this.metrics = metrics;
        this.diverged = diverged;
        this.nonFinite = nonFinite;
    }

    /** Opens a zoo folder at its final checkpoint epoch. */
    public static OrbitZooSource open(Path folder) throws IOException {
        return open(folder, -1);
    }

    /** Opens a zoo folder at one checkpoint epoch, leaving out checkpoints with non-finite weights. */
    public static OrbitZooSource open(Path folder, int epoch) throws IOException {
        return open(folder, epoch, false);
    }

    /**
     * Opens a zoo folder at one checkpoint epoch.
     *
     * @param epoch a checkpoint epoch of the zoo, or -1 for its final one
     * @param strict refuse the zoo, rather than leave the checkpoints out, when a checkpoint not
     *     flagged diverged has non-finite weights
     * @throws IllegalArgumentException when the zoo has no checkpoint at that epoch, or every
     *     network diverged
     * @throws ZooFormatException when a shard or the metrics fail their checksums, or when strict
     *     and a checkpoint has non-finite weights
     */
    public static OrbitZooSource open(Path folder, int epoch, boolean strict) throws IOException {
        ZooReader reader = ZooReader.open(folder);
        try {
            List<Integer> epochs = reader.description().checkpointEpochs();
            int chosen = epoch < 0 ? reader.description().finalEpoch() : epoch;
            if (!epochs.contains(chosen)) {
                throw new IllegalArgumentException("The zoo at " + folder + " has no checkpoint at epoch " + chosen
                        + "; its checkpoint epochs are " + epochs);
            }
            List<ZooMetricsRow> kept = new ArrayList<>();
            int diverged = 0;
            for (ZooMetricsRow row : reader.metrics()) {
                if (row.epoch() != chosen) {
                    continue;
                }
                if (row.metrics().diverged()) {
                    diverged++;
                } else {
                    kept.add(row);
                }
            }
            int[] nonFinite = reader.nonFiniteRows(kept.stream().mapToInt(ZooMetricsRow::row).toArray());
            if (strict && nonFinite.length > 0) {
                throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, folder + " has "
                        + nonFiniteText(nonFinite) + " that its metrics do not flag as diverged; run 'orbit zoo verify "
                        + folder + "'.");
            }
            Set<Integer> excluded = Arrays.stream(nonFinite).boxed().collect(Collectors.toSet());
            kept.removeIf(row -> excluded.contains(row.row()));
            if (kept.isEmpty()) {
                throw new IllegalArgumentException("The zoo at " + folder + " has no usable network at epoch " + chosen
                        + (diverged > 0 ? " (" + diverged + " diverged)" : "")
                        + (nonFinite.length > 0 ? " (" + nonFiniteText(nonFinite) + ")" : "") + ".");
            }
            int[] rows = kept.stream().mapToInt(ZooMetricsRow::row).toArray();
            return new OrbitZooSource(reader, chosen, rows, List.copyOf(kept), diverged, nonFinite);
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    @Override
    public NetworkSpec spec() {
        return reader.spec();
    }

    @Override
    public int size() {
        return zooRows.length;
    }

    @Override
    public float[] weights(int row) throws IOException {
        return reader.weights(zooRows[checkRow(row)]);
    }

    @Override
    public List<String> targetNames() {
        return List.of(TEST_ACCURACY, GEN_GAP);
    }

    @Override
    public double target(int row, String name) {
        CheckpointMetrics m = metrics.get(checkRow(row)).metrics();
        if (TEST_ACCURACY.equals(name)) {
            return m.testAccuracy();
        }
        if (GEN_GAP.equals(name)) {
            return m.generalizationGap();
        }
        throw new IllegalArgumentException("The zoo at " + reader.directory() + " has no target '" + name
                + "'; it provides " + TEST_ACCURACY + ", " + GEN_GAP);
    }

    @Override
    public Map<String, String> hyperparameters(int row) {
        return metrics.get(checkRow(row)).hyperparameters().toColumns();
    }

    /** The recipe without its seed: networks that differ only by seed share a group. */
    @Override
    public String group(int row) {
        Map<String, String> columns = new LinkedHashMap<>(hyperparameters(row));
        columns.remove("seed");
        StringBuilder sb = new StringBuilder();
        columns.forEach((k, v) -> sb.append(k).append('=').append(v).append(';'));
        return sb.toString();
    }

    @Override
    public ActivationKind activation(int row) {
        return metrics.get(checkRow(row)).hyperparameters().activation();
    }

    /** The network id of a row. */
    public int networkId(int row) {
        return metrics.get(checkRow(row)).networkId();
    }

    /** The zoo row (its line in {@code metrics.csv}) of a row of this source. */
    public int zooRow(int row) {
        return zooRows[checkRow(row)];
    }

    /** The checkpoint epoch this source holds. */
    public int epoch() {
        return epoch;
    }

    /** Checkpoints at this epoch left out because they diverged. */
    public int divergedCount() {
        return diverged;
    }

    /** Zoo rows left out because their weights hold NaN or infinity without being flagged diverged. */
    public int[] nonFiniteRows() {
        return nonFinite.clone();
    }

    /** @return one line saying which checkpoints were left out for non-finite weights, or null when none */
    public String nonFiniteSummary() {
        return nonFinite.length == 0 ? null : "Left out " + nonFiniteText(nonFinite) + " of " + reader.directory()
                + ", which its metrics do not flag as diverged (--strict refuses such a zoo).";
    }

    /** "3 checkpoints with non-finite weights (zoo rows 4, 9, 17)", listing at most ten rows. */
    private static String nonFiniteText(int[] rows) {
        String listed = Arrays.stream(rows).limit(10).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        return rows.length + (rows.length == 1 ? " checkpoint" : " checkpoints") + " with non-finite weights (zoo "
                + (rows.length == 1 ? "row " : "rows ") + listed + (rows.length > 10 ? ", ..." : "") + ")";
    }

    /** The underlying reader. */
    public ZooReader reader() {
        return reader;
    }

    @Override
    public String describe() {
        return "Orbit zoo at " + reader.directory() + " (" + reader.description().dataset() + ", epoch " + epoch + ", "
                + size() + " networks" + (diverged > 0 ? ", " + diverged + " diverged left out" : "")
                + (nonFinite.length > 0 ? ", " + nonFinite.length + " with non-finite weights left out" : "") + ", "
                + spec().describe() + ")";
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private int checkRow(int row) {
        if (row < 0 || row >= zooRows.length) {
            throw new IndexOutOfBoundsException("Network " + row + " is outside [0, " + zooRows.length + ") of "
                    + reader.directory());
        }
        return row;
    }
}
