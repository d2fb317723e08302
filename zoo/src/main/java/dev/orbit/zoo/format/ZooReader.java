package dev.orbit.zoo.format;

import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.CheckpointRecord;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Reads an Orbit zoo folder without loading it whole.
 *
 * <p>Streaming ({@link #forEachShard}, {@link #forEachRecord}) holds one shard in memory at a time
 * and verifies each shard's SHA-256 and tensor shapes before handing it out. Random access by zoo
 * row ({@link #weights(int)}, {@link #readRows(int, int)}) reads only the requested rows' bytes of one
 * shard; a shard's size, header and SHA-256 are checked once, when random access first touches it
 * (one streaming pass over the file), so a flipped byte stops the reader instead of reaching a caller.
 * {@code metrics.csv} is checked against the manifest's {@code metrics_sha256} before it is parsed.
 * Random access is safe from several threads.
 */
public final class ZooReader implements AutoCloseable {

    /** Receives shards one at a time. */
    @FunctionalInterface
    public interface ShardVisitor {
        /** @param shard a verified shard, valid until the next call */
        void visit(ZooShard shard) throws IOException;
    }

    /** Receives checkpoints one at a time, in zoo row order. */
    @FunctionalInterface
    public interface RecordVisitor {
        /**
         * @param row the checkpoint's zoo row
         * @param record the checkpoint, with its metrics and hyperparameters
         */
        void visit(int row, CheckpointRecord record) throws IOException;
    }

    private final Path dir;
    private final ZooManifest manifest;
    private final int parameterCount;
    private final int[] shardStarts;
    private final Map<Integer, ShardFile> open = new HashMap<>();
    private List<ZooMetricsRow> metrics;
    private boolean closed;

    private ZooReader(Path dir, ZooManifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
        this.parameterCount = manifest.parameterCount();
        this.shardStarts = manifest.shards().stream().mapToInt(ShardInfo::firstRow).toArray();
    }

    /**
     * Opens a zoo folder, reading and validating its manifest.
     *
     * @param dir the zoo folder
     * @return a reader; close it
     * @throws ZooFormatException when the folder is not a zoo, its manifest is malformed, or its
     *     format version is newer than this Orbit reads
     * @throws IOException when reading fails
     */
    public static ZooReader open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new ZooFormatException(ZooFormatException.Reason.NOT_A_ZOO, dir + " is not a folder.");
        }
        return new ZooReader(dir, ZooManifest.read(dir));
    }

    /** @return the zoo folder */
    public Path directory() {
        return dir;
    }

    /** @return the manifest */
    public ZooManifest manifest() {
        return manifest;
    }

    /** @return what the zoo is */
    public ZooDescription description() {
        return manifest.description();
    }

    /** @return the members' architecture */
    public NetworkSpec spec() {
        return manifest.description().spec();
    }

    /** @return committed checkpoints */
    public int rows() {
        return manifest.rows();
    }

    /** @return parameters per checkpoint */
    public int parameterCount() {
        return parameterCount;
    }

    /** @return committed shards */
    public int shardCount() {
        return manifest.shards().size();
    }

    /** @return the index of the shard holding zoo row {@code row} */
    public int shardOf(int row) {
        checkRows(row, row + 1);
        int i = Arrays.binarySearch(shardStarts, row);
        return i >= 0 ? i : -i - 2;
    }

    /**
     * Reads one checkpoint's weights.
     *
     * @param row a zoo row in [0, rows)
     * @return the flat canonical weights (W_0, b_0, W_1, b_1, ...)
     * @throws ZooFormatException when the shard holding it is missing, truncated or malformed
     * @throws IOException when reading fails
     */
    public float[] weights(int row) throws IOException {
        return readRows(row, row + 1);
    }

    /**
     * Reads consecutive checkpoints' weights, touching only their bytes.
     *
     * @param from the first zoo row
     * @param to one past the last zoo row
     * @return row-major weights, (to - from) x parameterCount
     * @throws IOException when reading fails or a shard is malformed
     */
    public float[] readRows(int from, int to) throws IOException {
        checkRows(from, to);
        float[] out = new float[Math.multiplyExact(to - from, parameterCount)];
        readRows(from, to, out, 0);
        return out;
    }

    /**
     * Reads consecutive checkpoints' weights into a caller-owned array (for reuse across batches).
     *
     * @param from the first zoo row
     * @param to one past the last zoo row
     * @param dest receives (to - from) x parameterCount floats
     * @param destOffset where in {@code dest} to start
     * @throws IOException when reading fails or a shard is malformed
     */
    public void readRows(int from, int to, float[] dest, int destOffset) throws IOException {
        checkRows(from, to);
        int row = from;
        while (row < to) {
            int s = shardOf(row);
            ShardInfo info = manifest.shards().get(s);
            int end = Math.min(to, info.endRow());
            shard(s).readRows(row - info.firstRow(), end - row, dest, destOffset + (row - from) * parameterCount);
            row = end;
        }
    }

    private void checkRows(int from, int to) {
        if (from < 0 || to < from || to > rows()) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") are outside [0, " + rows()
                    + ") of the zoo " + dir);
        }
    }

    private synchronized ShardFile shard(int index) throws IOException {
        if (closed) {
            throw new IllegalStateException("The reader of " + dir + " is closed");
        }
        ShardFile f = open.get(index);
        if (f == null) {
            ShardInfo info = manifest.shards().get(index);
            f = ShardFile.open(dir, info, spec());
            try {
                ShardFile.verifyChecksum(dir, info);
            } catch (IOException | RuntimeException e) {
                f.close();
                throw e;
            }
            open.put(index, f);
        }
        return f;
    }

    /**
     * Reads one whole shard after verifying its checksum and shapes.
     *
     * @param index the shard index
     * @return the shard
     * @throws ZooFormatException when the shard is missing, truncated, corrupt or has unexpected tensors
     * @throws IOException when reading fails
     */
    public ZooShard readShard(int index) throws IOException {
        ShardInfo info = manifest.shards().get(index);
        try (ShardFile f = ShardFile.open(dir, info, spec())) {
            ShardFile.verifyChecksum(dir, info);
            float[] weights = new float[Math.multiplyExact(info.rows(), parameterCount)];
            f.readRows(0, info.rows(), weights, 0);
            int[] ids = f.networkIds();
            int[] epochs = f.epochs();
            checkMembership(f.file(), info, ids, epochs);
            return new ZooShard(info, parameterCount, ids, epochs, weights);
        }
    }

    private void checkMembership(Path file, ShardInfo info, int[] ids, int[] epochs) throws ZooFormatException {
        List<Integer> checkpoints = description().checkpointEpochs();
        int[] expected = info.networkIdArray();
        int c = checkpoints.size();
        for (int r = 0; r < ids.length; r++) {
            int wantId = expected[r / c];
            int wantEpoch = checkpoints.get(r % c);
            if (ids[r] != wantId || epochs[r] != wantEpoch) {
                throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, file + " row " + r + " holds network "
                        + ids[r] + " epoch " + epochs[r] + " but the manifest implies network " + wantId
                        + " epoch " + wantEpoch + ".");
            }
        }
    }

    /**
     * Streams the zoo shard by shard, verifying each before handing it out.
     *
     * @param visitor receives each shard in order
     * @throws IOException when a shard is corrupt or reading fails
     */
    public void forEachShard(ShardVisitor visitor) throws IOException {
        for (int s = 0; s < shardCount(); s++) {
            visitor.visit(readShard(s));
        }
    }

    /**
     * Streams every checkpoint with its metrics and hyperparameters, in zoo row order, one shard in
     * memory at a time.
     *
     * @param visitor receives each checkpoint
     * @throws IOException when a shard or {@code metrics.csv} is corrupt or inconsistent, or reading fails
     */
    public void forEachRecord(RecordVisitor visitor) throws IOException {
        try (MetricsCursor cursor = new MetricsCursor(dir, manifest)) {
            for (int s = 0; s < shardCount(); s++) {
                ZooShard shard = readShard(s);
                for (int r = 0; r < shard.rows(); r++) {
                    int row = shard.info().firstRow() + r;
                    ZooMetricsRow m = cursor.require();
                    requireMatches(cursor.file(), m, row, s, r, shard.networkId(r), shard.epoch(r));
                    visitor.visit(row, new CheckpointRecord(shard.networkId(r), shard.epoch(r), m.hyperparameters(),
                            shard.weights(r), m.metrics()));
                }
            }
        }
    }

    private static void requireMatches(Path file, ZooMetricsRow m, int row, int shard, int shardRow, int networkId,
            int epoch) throws ZooFormatException {
        if (m.networkId() != networkId || m.epoch() != epoch || m.shard() != shard || m.shardRow() != shardRow) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, file + " line " + (row + 2)
                    + " describes network " + m.networkId() + " epoch " + m.epoch() + " at shard " + m.shard()
                    + " row " + m.shardRow() + " but the shards hold network " + networkId + " epoch " + epoch
                    + " at shard " + shard + " row " + shardRow + ".");
        }
    }

    /**
     * The metrics table, one row per committed checkpoint in zoo row order (read once, then cached).
     *
     * @return the rows
     * @throws ZooFormatException when {@code metrics.csv} is malformed or disagrees with the manifest
     * @throws IOException when reading fails
     */
    public synchronized List<ZooMetricsRow> metrics() throws IOException {
        if (metrics == null) {
            List<ZooMetricsRow> rows = new ArrayList<>(); // not sized by the manifest's claim: the file bounds it
            try (MetricsCursor cursor = new MetricsCursor(dir, manifest)) {
                for (ShardInfo s : manifest.shards()) {
                    for (int r = 0; r < s.rows(); r++) {
                        ZooMetricsRow m = cursor.require();
                        if (m.shard() != s.index() || m.shardRow() != r) {
                            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, cursor.file() + " line "
                                    + (m.row() + 2) + " places its checkpoint at shard " + m.shard() + " row "
                                    + m.shardRow() + " but expected shard " + s.index() + " row " + r + ".");
                        }
                        rows.add(m);
                    }
                }
                if (cursor.next() != null) {
                    throw new ZooFormatException(ZooFormatException.Reason.CORRUPT,
                            cursor.file() + " has more committed rows than the manifest's " + rows() + ".");
                }
            }
            metrics = List.copyOf(rows);
        }
        return metrics;
    }

    /**
     * One checkpoint with its metrics and hyperparameters.
     *
     * @param row a zoo row
     * @return the checkpoint
     * @throws IOException when reading fails or the zoo is malformed
     */
    public CheckpointRecord record(int row) throws IOException {
        checkRows(row, row + 1);
        ZooMetricsRow m = metrics().get(row);
        return new CheckpointRecord(m.networkId(), m.epoch(), m.hyperparameters(), weights(row), m.metrics());
    }

    /**
     * Checks the whole zoo: every shard's size, header, tensor shapes, SHA-256 and membership, that
     * every network has each checkpoint exactly once, that weights are finite unless the checkpoint
     * is flagged diverged, and that {@code metrics.csv} matches its checksum and agrees with the
     * shards. Reads one shard at a time.
     *
     * @return the faults found, harmless notes, and how many of the planned networks are committed
     */
    public ZooVerification verify() {
        List<String> faults = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<ZooMetricsRow> table = null;
        try {
            table = metrics();
        } catch (IOException e) {
            faults.add(e.getMessage());
        }
        int checked = 0;
        BitSet seen = new BitSet();
        for (ShardInfo info : manifest.shards()) {
            ZooShard shard;
            try {
                shard = readShard(info.index());
            } catch (IOException e) {
                faults.add(e.getMessage());
                continue;
            }
            for (int r = 0; r < shard.rows(); r++) {
                int row = info.firstRow() + r;
                int id = shard.networkId(r);
                if (r % description().checkpointsPerNetwork() == 0) {
                    if (seen.get(id)) {
                        faults.add(dir.resolve(info.file()) + " repeats network " + id + ".");
                    }
                    seen.set(id);
                }
                if (table != null) {
                    ZooMetricsRow m = table.get(row);
                    if (m.networkId() != id || m.epoch() != shard.epoch(r)) {
                        faults.add(dir.resolve(ZooFormat.METRICS) + " line " + (row + 2) + " describes network "
                                + m.networkId() + " epoch " + m.epoch() + " but " + info.file() + " row " + r
                                + " holds network " + id + " epoch " + shard.epoch(r) + ".");
                    }
                }
                int nonFinite = countNonFinite(shard.weights(), r * parameterCount, parameterCount);
                boolean diverged = table != null && table.get(row).metrics().diverged();
                if (nonFinite > 0 && !diverged) {
                    faults.add(dir.resolve(info.file()) + " row " + r + " (network " + id + " epoch "
                            + shard.epoch(r) + ") has " + nonFinite + " non-finite weights but is not flagged diverged.");
                }
                checked++;
            }
        }
        try {
            long size = Files.size(dir.resolve(ZooFormat.METRICS));
            if (size > manifest.metricsBytes()) {
                notes.add(dir.resolve(ZooFormat.METRICS) + " has " + (size - manifest.metricsBytes())
                        + " uncommitted bytes at its end (an interrupted write; resuming the zoo removes them).");
            }
        } catch (IOException e) {
            // metrics() already reported a missing file
        }
        if (!manifest.checksMetrics()) {
            notes.add(dir.resolve(ZooFormat.METRICS) + " has no checksum: the zoo has format version "
                    + manifest.formatVersion() + ", so its values were checked only against the shards.");
        }
        notes.addAll(strayFiles());
        return new ZooVerification(faults, notes, checked, manifest.networks(), manifest.completedNetworks().cardinality());
    }

    /**
     * Flags checkpoints whose weights hold NaN or infinity, reading each given row once (and each
     * shard's checksum when random access first touches it).
     *
     * @param rows zoo rows, in any order
     * @return those of {@code rows} with a non-finite weight, in the given order
     * @throws IOException when a shard is corrupt or reading fails
     */
    public int[] nonFiniteRows(int[] rows) throws IOException {
        float[] weights = new float[parameterCount];
        java.util.stream.IntStream.Builder flagged = java.util.stream.IntStream.builder();
        for (int row : rows) {
            checkRows(row, row + 1);
            readRows(row, row + 1, weights, 0);
            if (countNonFinite(weights, 0, parameterCount) > 0) {
                flagged.add(row);
            }
        }
        return flagged.build().toArray();
    }

    private static int countNonFinite(float[] values, int from, int count) {
        int n = 0;
        for (int i = from; i < from + count; i++) {
            if (!Float.isFinite(values[i])) {
                n++;
            }
        }
        return n;
    }

    private List<String> strayFiles() {
        List<String> out = new ArrayList<>();
        for (Path folder : List.of(dir, dir.resolve(ZooFormat.SHARDS_DIR))) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
                for (Path p : entries) {
                    String name = p.getFileName().toString();
                    Matcher m = ZooFormat.SHARD_NAME.matcher(name);
                    if (ZooFormat.isTempName(name)) {
                        out.add(p + " is a temporary file of an interrupted write; readers ignore it.");
                    } else if (m.matches() && Integer.parseInt(m.group(1)) >= shardCount()) {
                        out.add(p + " was never committed to the manifest; readers ignore it.");
                    }
                }
            } catch (IOException e) {
                out.add("Could not list " + folder + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** Closes the shard files opened for random access. */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        IOException first = null;
        for (ShardFile f : open.values()) {
            try {
                f.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }
}
