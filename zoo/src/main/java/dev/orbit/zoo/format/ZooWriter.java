package dev.orbit.zoo.format;

import dev.orbit.datasets.io.FileDigest;
import dev.orbit.datasets.io.FolderLock;
import dev.orbit.zoo.CheckpointMetrics;
import dev.orbit.zoo.CheckpointRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;

/**
 * Writes a zoo folder resumably and crash-safely.
 *
 * <p>Records are buffered per network; only a network whose every checkpoint has arrived is
 * written, so a network never spans two shards and a committed shard never holds part of a network.
 * A commit writes the shard to a temporary file, forces it to disk and renames it into place,
 * appends the shard's rows to {@code metrics.csv} and forces it, then replaces {@code manifest.json}
 * the same way. The manifest is the commit point: after a crash (even {@code kill -9}) the next
 * {@link #open} deletes temporary files and shards the manifest does not list, truncates
 * {@code metrics.csv} to the committed length, and reports which networks are complete, so a rerun
 * trains only the others. No checkpoint is lost or duplicated and readers never see a partial shard.
 *
 * <p>One writer per folder: {@link #open} takes an exclusive lock on {@code .orbit-zoo.lock}.
 */
public final class ZooWriter implements Consumer<CheckpointRecord>, AutoCloseable {

    /** Default shard size: about 64 MiB of float32 weights. */
    static final long DEFAULT_SHARD_BYTES = 64L << 20;

    /** The complete new {@code metrics.csv} of a {@link #replaceMetrics}, before its rename. */
    private static final String NEXT_METRICS = ZooFormat.tempName("metrics.csv.next");

    /**
     * How a writer groups checkpoints into shards.
     *
     * @param shardRows checkpoints per shard (a shard may be larger by less than one network's
     *     checkpoints); 0 picks about 64 MiB of weights
     * @param maxCommitInterval commit complete networks at least this often, even into a smaller
     *     shard, so a crash loses little training time
     */
    public record Options(int shardRows, Duration maxCommitInterval) {

        /** Validates. */
        public Options {
            if (shardRows < 0) {
                throw new IllegalArgumentException("shardRows must be >= 0, got " + shardRows);
            }
            if (maxCommitInterval == null || maxCommitInterval.isNegative()) {
                throw new IllegalArgumentException("maxCommitInterval must be a non-negative duration");
            }
        }

        /** @return about 64 MiB per shard, a commit at least every 5 minutes */
        public static Options defaults() {
            return new Options(0, Duration.ofMinutes(5));
        }

        /** @return these options with another shard size */
        public Options withShardRows(int rows) {
            return new Options(rows, maxCommitInterval);
        }

        /** @return these options with another commit interval */
        public Options withMaxCommitInterval(Duration interval) {
            return new Options(shardRows, interval);
        }
    }

    /**
     * What {@link #open} found and cleaned up in an existing folder.
     *
     * @param resumed true when the folder already held this zoo
     * @param removedTempFiles temporary files of an interrupted write, deleted
     * @param removedUncommittedShards shard files renamed into place but never committed, deleted
     * @param truncatedMetricsBytes uncommitted bytes cut from the end of {@code metrics.csv}
     * @param completedNetworks networks whose checkpoints were all committed already
     */
    public record Recovery(
            boolean resumed, int removedTempFiles, int removedUncommittedShards, long truncatedMetricsBytes,
            int completedNetworks) {}

    private final Path dir;
    private final ZooDescription description;
    private final int shardRows;
    private final Duration maxCommitInterval;
    private final FolderLock lock;
    private final Recovery recovery;
    private final BitSet completed;
    private final Map<Integer, TreeMap<Integer, CheckpointRecord>> pending = new TreeMap<>();
    private final TreeMap<Integer, List<CheckpointRecord>> ready = new TreeMap<>();
    private ZooManifest manifest;
    private int readyRows;
    private int duplicatesDropped;
    private long lastCommitNanos = System.nanoTime();
    private boolean closed;
    private IOException failure;

    private ZooWriter(Path dir, ZooManifest manifest, Options options, FolderLock lock, Recovery recovery) {
        this.dir = dir;
        this.manifest = manifest;
        this.description = manifest.description();
        long rowBytes = Math.max(1, manifest.parameterCount()) * (long) Float.BYTES;
        this.shardRows = options.shardRows() > 0 ? options.shardRows()
                : (int) Math.max(description.checkpointsPerNetwork(), DEFAULT_SHARD_BYTES / rowBytes);
        this.maxCommitInterval = options.maxCommitInterval();
        this.lock = lock;
        this.recovery = recovery;
        this.completed = manifest.completedNetworks();
    }

    /**
     * Opens a zoo folder for writing: creates the zoo if the folder is new or empty, or resumes the
     * zoo it holds after cleaning up an interrupted write.
     *
     * @param dir the zoo folder (created when missing)
     * @param description what the zoo is; must match the folder's zoo when resuming
     * @param networks how many networks the zoo should hold (ids 0 .. networks-1); may grow on resume
     * @param provenance recorded when the zoo is created (kept when resuming)
     * @param options shard grouping
     * @return an open writer; close it to commit the last complete networks
     * @throws ZooFormatException when the folder holds a different zoo, a newer format, a corrupt
     *     manifest, other files, or is being written by another process; nothing is changed then
     * @throws IOException when the file system fails
     */
    public static ZooWriter open(Path dir, ZooDescription description, int networks, Provenance provenance,
            Options options) throws IOException {
        requirePlannable(networks, description.checkpointsPerNetwork());
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ZooFormatException(ZooFormatException.Reason.NOT_A_ZOO, dir + " is a file, not a zoo folder.");
        }
        boolean resume = Files.isRegularFile(dir.resolve(ZooFormat.MANIFEST));
        ZooManifest existing = null;
        if (resume) {
            existing = ZooManifest.read(dir);
            List<String> diffs = existing.description().differences(description);
            if (!diffs.isEmpty()) {
                throw new ZooFormatException(ZooFormatException.Reason.DIFFERENT_ZOO, dir
                        + " holds a different zoo: you asked for " + String.join(", ", diffs)
                        + "; choose another output folder.");
            }
        } else if (Files.isDirectory(dir)) {
            requireNoForeignFiles(dir);
        }
        Files.createDirectories(dir);
        FolderLock lock = FolderLock.tryAcquire(dir, ZooFormat.LOCK_FILE);
        if (lock == null) {
            throw new ZooFormatException(ZooFormatException.Reason.NOT_A_ZOO,
                    dir + " is being written by another process (it holds the lock " + ZooFormat.LOCK_FILE + ").");
        }
        try {
            ZooManifest manifest;
            Recovery recovery;
            if (resume) {
                manifest = existing;
                int highest = manifest.completedNetworks().length() - 1;
                if (networks <= highest) {
                    throw new ZooFormatException(ZooFormatException.Reason.DIFFERENT_ZOO, dir + " already holds network "
                            + highest + ", so the zoo needs at least " + (highest + 1) + " networks, not " + networks + ".");
                }
                recovery = recover(dir, manifest);
                if (networks != manifest.networks()) {
                    manifest = manifest.withNetworks(networks);
                    manifest.writeAtomically(dir);
                }
            } else {
                int temps = removeTempFiles(dir);
                Files.createDirectories(dir.resolve(ZooFormat.SHARDS_DIR));
                byte[] header = MetricsCsv.header().getBytes(StandardCharsets.UTF_8);
                Path metrics = dir.resolve(ZooFormat.METRICS);
                AtomicFiles.write(metrics, header);
                manifest = ZooManifest.create(description, networks, provenance, header.length,
                        FileDigest.sha256(metrics, header.length));
                manifest.writeAtomically(dir);
                recovery = new Recovery(false, temps, 0, 0, 0);
            }
            return new ZooWriter(dir, manifest, options, lock, recovery);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Opens an existing zoo for writing as it is (its own description, size and provenance), e.g. to
     * {@link #replaceMetrics} of its checkpoints.
     *
     * @throws ZooFormatException when the folder holds no zoo, or another process writes it
     */
    public static ZooWriter reopen(Path dir) throws IOException {
        ZooManifest existing = ZooManifest.read(dir);
        return open(dir, existing.description(), existing.networks(), existing.provenance(), Options.defaults());
    }

    /**
     * Refuses a zoo too large to plan: more than {@link ZooFormat#MAX_NETWORKS} networks, or more
     * checkpoints than zoo rows can number (an int).
     *
     * @throws IllegalArgumentException naming the limit
     */
    public static void requirePlannable(int networks, int checkpointsPerNetwork) {
        if (networks < 0 || networks > ZooFormat.MAX_NETWORKS) {
            throw new IllegalArgumentException("A zoo holds at most " + ZooFormat.MAX_NETWORKS + " networks, not "
                    + networks + ".");
        }
        if ((long) networks * checkpointsPerNetwork > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(networks + " networks of " + checkpointsPerNetwork + " checkpoints are "
                    + "more than the " + Integer.MAX_VALUE + " rows a zoo can hold.");
        }
    }

    /** A folder without a manifest may hold only what an interrupted creation leaves behind. */
    private static void requireNoForeignFiles(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                boolean ours = ZooFormat.isTempName(name) || name.equals(ZooFormat.LOCK_FILE)
                        || name.equals(ZooFormat.METRICS)
                        || (name.equals(ZooFormat.SHARDS_DIR) && Files.isDirectory(p) && isEmpty(p));
                if (!ours) {
                    throw new ZooFormatException(ZooFormatException.Reason.NOT_A_ZOO, dir
                            + " is not empty and holds no " + ZooFormat.MANIFEST + " (found " + name
                            + "); choose an empty or new folder.");
                }
            }
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }

    private static Recovery recover(Path dir, ZooManifest manifest) throws IOException {
        finishMetricsReplacement(dir, manifest);
        int temps = removeTempFiles(dir);
        Path shards = dir.resolve(ZooFormat.SHARDS_DIR);
        Files.createDirectories(shards);
        int orphans = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(shards)) {
            for (Path p : entries) {
                Matcher m = ZooFormat.SHARD_NAME.matcher(p.getFileName().toString());
                if (m.matches() && Integer.parseInt(m.group(1)) >= manifest.shards().size()) {
                    Files.delete(p); // renamed into place, but the manifest never listed it
                    orphans++;
                }
            }
        }
        for (ShardInfo s : manifest.shards()) {
            Path file = dir.resolve(s.file());
            if (!Files.isRegularFile(file) || Files.size(file) != s.bytes()) {
                throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, file + " is missing or not "
                        + s.bytes() + " bytes as the manifest records; run 'orbit zoo verify " + dir + "'.");
            }
        }
        Path metrics = dir.resolve(ZooFormat.METRICS);
        long truncated = 0;
        if (!Files.exists(metrics) && manifest.shards().isEmpty()) {
            AtomicFiles.write(metrics, MetricsCsv.header().getBytes(StandardCharsets.UTF_8));
        }
        MetricsCursor.requireCommitted(metrics, manifest); // never extend metrics that were changed
        long size = Files.size(metrics);
        if (size > manifest.metricsBytes()) {
            try (FileChannel c = FileChannel.open(metrics, StandardOpenOption.WRITE)) {
                c.truncate(manifest.metricsBytes());
                c.force(true);
            }
            truncated = size - manifest.metricsBytes();
        }
        if (temps + orphans > 0) {
            AtomicFiles.forceDirectory(shards);
            AtomicFiles.forceDirectory(dir);
        }
        return new Recovery(true, temps, orphans, truncated, manifest.completedNetworks().cardinality());
    }

    private static int removeTempFiles(Path dir) throws IOException {
        int removed = 0;
        for (Path folder : List.of(dir, dir.resolve(ZooFormat.SHARDS_DIR))) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
                for (Path p : entries) {
                    if (ZooFormat.isTempName(p.getFileName().toString()) && Files.isRegularFile(p)) {
                        Files.delete(p);
                        removed++;
                    }
                }
            }
        }
        return removed;
    }

    /** @return what {@link #open} found and cleaned up */
    public Recovery recovery() {
        return recovery;
    }

    /** @return the manifest as last committed */
    public synchronized ZooManifest manifest() {
        return manifest;
    }

    /** @return checkpoints per shard */
    public int shardRows() {
        return shardRows;
    }

    /** @return whether every checkpoint of network {@code networkId} is committed */
    public synchronized boolean isComplete(int networkId) {
        return completed.get(networkId);
    }

    /** @return the ids of committed networks */
    public synchronized BitSet completedNetworks() {
        return (BitSet) completed.clone();
    }

    /** @return ids in [0, networks) whose checkpoints are not all committed, ascending */
    public synchronized int[] remainingNetworks() {
        return java.util.stream.IntStream.range(0, manifest.networks()).filter(i -> !completed.get(i)).toArray();
    }

    /** @return ids of networks with some but not all checkpoints received, ascending */
    public synchronized int[] incompleteNetworks() {
        return pending.keySet().stream().mapToInt(Integer::intValue).toArray();
    }

    /** @return records dropped because their network was already committed */
    public synchronized int duplicatesDropped() {
        return duplicatesDropped;
    }

    /**
     * Adds a checkpoint; see {@link #write}.
     *
     * @throws UncheckedIOException when a commit fails
     */
    @Override
    public void accept(CheckpointRecord record) {
        try {
            write(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Adds a checkpoint. A record of an already committed network is dropped (and counted), so a
     * trainer that repeats finished networks cannot duplicate them. When enough networks are
     * complete, or {@link Options#maxCommitInterval()} has passed, they are committed as a shard.
     *
     * @param record a checkpoint of network {@code 0 <= id < networks} at one of the zoo's checkpoint epochs
     * @throws IllegalArgumentException when the record does not fit the zoo or repeats a checkpoint
     * @throws IOException when a commit fails; the writer is then unusable, the zoo stays consistent
     */
    public synchronized void write(CheckpointRecord record) throws IOException {
        requireOpen();
        int id = record.networkId();
        if (id < 0 || id >= manifest.networks()) {
            throw new IllegalArgumentException("Network id " + id + " is outside [0, " + manifest.networks() + ")");
        }
        if (record.weights().length != manifest.parameterCount()) {
            throw new IllegalArgumentException("Network " + id + " has " + record.weights().length
                    + " weights but the zoo's spec has " + manifest.parameterCount());
        }
        if (!description.checkpointEpochs().contains(record.epoch())) {
            throw new IllegalArgumentException("Network " + id + " checkpoint at epoch " + record.epoch()
                    + " is not one of the zoo's checkpoint epochs " + description.checkpointEpochs());
        }
        if (completed.get(id) || ready.containsKey(id)) {
            duplicatesDropped++;
            return;
        }
        TreeMap<Integer, CheckpointRecord> checkpoints = pending.computeIfAbsent(id, k -> new TreeMap<>());
        if (checkpoints.putIfAbsent(record.epoch(), record) != null) {
            throw new IllegalArgumentException("Network " + id + " epoch " + record.epoch() + " was written twice");
        }
        if (checkpoints.size() == description.checkpointsPerNetwork()) {
            pending.remove(id);
            ready.put(id, new ArrayList<>(checkpoints.values()));
            readyRows += checkpoints.size();
        }
        if (readyRows >= shardRows
                || (readyRows > 0 && System.nanoTime() - lastCommitNanos >= maxCommitInterval.toNanos())) {
            commit();
        }
    }

    /**
     * Commits every complete network now, even into a small shard.
     *
     * @throws IOException when the commit fails
     */
    public synchronized void flush() throws IOException {
        requireOpen();
        if (readyRows > 0) {
            commit();
        }
    }

    private void commit() throws IOException {
        try {
            List<CheckpointRecord> rows = new ArrayList<>(readyRows);
            ready.values().forEach(rows::addAll);
            int index = manifest.shards().size();
            String name = ZooFormat.shardPath(index);
            Path target = dir.resolve(name);
            Path temp = target.resolveSibling(ZooFormat.tempName(target.getFileName().toString()));
            ShardFile.write(temp, description.spec(), rows, index, manifest.formatVersion());
            String sha = FileDigest.sha256(temp);
            long bytes = Files.size(temp);
            AtomicFiles.publish(temp, target);

            StringBuilder lines = new StringBuilder();
            for (int r = 0; r < rows.size(); r++) {
                lines.append(MetricsCsv.line(rows.get(r), index, r));
            }
            int[] ids = ready.keySet().stream().mapToInt(Integer::intValue).toArray();
            commitPublished(new ShardInfo(index, name, sha, bytes, manifest.rows(), rows.size(), ShardInfo.ranges(ids)),
                    lines.toString().getBytes(StandardCharsets.UTF_8), ids);
            ready.clear();
            readyRows = 0;
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException ? (IOException) e : new IOException(e.getMessage(), e);
            throw e;
        }
    }

    /**
     * Commits a shard a worker staged ({@link StagedShard#write}) as the zoo's next shard: its file is
     * renamed from {@code staging/} into {@code shards/}, its metrics lines are appended and the
     * manifest is replaced (the commit point), exactly as for a shard this writer wrote; then its
     * receipt is deleted. Staged shards are committed in index order.
     *
     * @param staged a shard {@link StagedShard#find} accepted (its file's SHA-256 matches its receipt)
     * @throws IllegalArgumentException when it is not the zoo's next shard, holds a committed or
     *     unplanned network, or a checkpoint count that does not fit the zoo
     * @throws IllegalStateException while this writer holds networks of its own not yet committed
     * @throws IOException when the commit fails; the writer is then unusable, the zoo stays consistent
     */
    public synchronized void commit(StagedShard staged) throws IOException {
        requireOpen();
        if (readyRows > 0 || !pending.isEmpty()) {
            throw new IllegalStateException("The writer for " + dir + " holds networks of its own; flush them first");
        }
        int index = manifest.shards().size();
        if (staged.index() != index) {
            throw new IllegalArgumentException("Staged shard " + staged.index() + " is not the next shard of " + dir
                    + " (" + index + ")");
        }
        for (int id : staged.networkIds()) {
            if (id < 0 || id >= manifest.networks() || completed.get(id)) {
                throw new IllegalArgumentException("Staged shard " + index + " holds network " + id + ", which " + dir
                        + " has already committed or does not plan");
            }
        }
        if (staged.rows() != staged.networkIds().length * description.checkpointsPerNetwork()) {
            throw new IllegalArgumentException("Staged shard " + index + " holds " + staged.rows() + " checkpoints of "
                    + staged.networkIds().length + " networks; the zoo keeps " + description.checkpointsPerNetwork()
                    + " per network");
        }
        try {
            String name = ZooFormat.shardPath(index);
            AtomicFiles.publish(StagedShard.shardFile(dir, index), dir.resolve(name));
            commitPublished(new ShardInfo(index, name, staged.sha256(), staged.bytes(), manifest.rows(), staged.rows(),
                    ShardInfo.ranges(staged.networkIds())), staged.metricsBytes(), staged.networkIds());
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException ? (IOException) e : new IOException(e.getMessage(), e);
            throw e;
        }
        Files.deleteIfExists(StagedShard.receiptFile(dir, index));
    }

    /** Steps 3 and 4 of a commit, once the shard file is in place: append its metrics lines, replace the manifest. */
    private void commitPublished(ShardInfo info, byte[] metricBytes, int[] ids) throws IOException {
        Path metrics = dir.resolve(ZooFormat.METRICS);
        long metricsBytes = manifest.metricsBytes() + metricBytes.length;
        try (FileChannel c = FileChannel.open(metrics, StandardOpenOption.WRITE)) {
            c.truncate(manifest.metricsBytes());
            ByteBuffer buffer = ByteBuffer.wrap(metricBytes);
            long position = manifest.metricsBytes();
            while (buffer.hasRemaining()) {
                position += c.write(buffer, position);
            }
            c.force(true);
        }
        ZooManifest next = manifest.withShard(info, metricsBytes,
                manifest.checksMetrics() ? FileDigest.sha256(metrics, metricsBytes) : null);
        next.writeAtomically(dir); // the commit point
        manifest = next;
        for (int id : ids) {
            completed.set(id);
        }
        lastCommitNanos = System.nanoTime();
    }


    /**
     * Replaces the metrics of committed checkpoints, e.g. test accuracies measured after the zoo was
     * written ({@code orbit zoo evaluate}). Complete networks not yet committed are committed first.
     *
     * <p>Crash-safe like a shard commit: the new {@code metrics.csv} is written in full to a
     * temporary file and forced, the manifest naming its length and SHA-256 replaces the old one (the
     * commit point), and the file is renamed into place. A kill between the last two steps leaves a
     * manifest whose checksum matches the temporary file; the next {@link #open} finishes the rename.
     *
     * @param update gives each committed row's new metrics (its argument unchanged to keep them)
     * @return rows whose metrics changed
     * @throws IllegalArgumentException for a format version 1 zoo, whose unchecked metrics cannot be
     *     replaced crash-safely
     * @throws IOException when the file system fails; the zoo then holds the old or the new metrics
     */
    public synchronized int replaceMetrics(java.util.function.Function<ZooMetricsRow, CheckpointMetrics> update)
            throws IOException {
        requireOpen();
        if (!manifest.checksMetrics()) {
            throw new IllegalArgumentException(dir + " is a format version "
                    + manifest.formatVersion() + " zoo, whose metrics carry no checksum; its metrics can only be replaced"
                    + " in a version " + ZooFormat.METRICS_CHECKSUM_SINCE + " zoo.");
        }
        flush();
        StringBuilder text = new StringBuilder(MetricsCsv.header());
        int changed = 0;
        try (MetricsCursor cursor = new MetricsCursor(dir, manifest)) {
            for (int row = 0; row < manifest.rows(); row++) {
                ZooMetricsRow old = cursor.require();
                CheckpointMetrics metrics = update.apply(old);
                if (!metrics.equals(old.metrics())) {
                    changed++;
                }
                text.append(MetricsCsv.line(new ZooMetricsRow(old.row(), old.networkId(), old.epoch(), old.shard(),
                        old.shardRow(), metrics, old.hyperparameters())));
            }
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        Path metrics = dir.resolve(ZooFormat.METRICS);
        Path next = dir.resolve(NEXT_METRICS);
        try {
            Files.write(next, bytes);
            AtomicFiles.force(next);
            ZooManifest updated = manifest.withMetrics(bytes.length, FileDigest.sha256(next));
            updated.writeAtomically(dir); // the commit point
            manifest = updated;
            AtomicFiles.publish(next, metrics);
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException ? (IOException) e : new IOException(e.getMessage(), e);
            throw e;
        }
        return changed;
    }

    /**
     * Finishes a {@link #replaceMetrics} killed after its commit: when the manifest's metrics
     * checksum matches the fully written temporary file rather than {@code metrics.csv}, the file is
     * renamed into place. Anything else is left to the usual checks.
     */
    private static void finishMetricsReplacement(Path dir, ZooManifest manifest) throws IOException {
        Path next = dir.resolve(NEXT_METRICS);
        if (!manifest.checksMetrics() || !Files.isRegularFile(next) || Files.size(next) != manifest.metricsBytes()
                || !FileDigest.sha256(next).equals(manifest.metricsSha256())) {
            return;
        }
        Path metrics = dir.resolve(ZooFormat.METRICS);
        if (Files.isRegularFile(metrics) && Files.size(metrics) >= manifest.metricsBytes()
                && FileDigest.sha256(metrics, manifest.metricsBytes()).equals(manifest.metricsSha256())) {
            return; // already in place; the temporary file is removed with the others
        }
        AtomicFiles.publish(next, metrics);
    }
    private void requireOpen() throws IOException {
        if (closed) {
            throw new IllegalStateException("The writer for " + dir + " is closed");
        }
        if (failure != null) {
            throw new IOException("An earlier commit to " + dir + " failed (" + failure.getMessage()
                    + "); reopen the zoo to continue.", failure);
        }
    }

    /**
     * Commits every complete network and releases the folder. Networks with missing checkpoints are
     * not written (see {@link #incompleteNetworks()}); a rerun trains them again.
     *
     * @throws IOException when the last commit fails
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (failure == null && readyRows > 0) {
                commit();
            }
        } finally {
            closed = true;
            lock.close();
        }
    }
}
