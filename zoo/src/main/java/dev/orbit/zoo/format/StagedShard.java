package dev.orbit.zoo.format;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.orbit.datasets.io.FileDigest;
import dev.orbit.zoo.CheckpointRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A shard written by a worker that does not hold the zoo's writer (a Spark task, say), waiting in
 * the zoo's {@code staging/} folder until the writer commits it ({@link ZooWriter#commit(StagedShard)}).
 *
 * <p>A worker that trained the networks of future shard {@code index} calls {@link #write}: the shard
 * file {@code staging/shard-NNNNN.safetensors} is written exactly as a committed shard (same bytes, so
 * a worker that runs twice writes the same file), under a temporary name unique to that call, forced
 * to disk and renamed into place; then its receipt {@code staging/shard-NNNNN.json} (size, SHA-256,
 * network ids and the shard's {@code metrics.csv} lines with their own SHA-256) the same way. The
 * receipt is the worker's commit point: {@link #find} accepts a staged shard only when its receipt is
 * readable and the file's size and SHA-256 match it, so a killed or failed worker's leftovers are
 * simply written again. Nothing in {@code staging/} is part of the zoo until the writer commits it.
 *
 * @param index the shard index it will have in the zoo
 * @param sha256 the shard file's SHA-256
 * @param bytes the shard file's size
 * @param rows checkpoints in the shard
 * @param networkIds the networks it holds, ascending
 * @param metricsLines its {@code metrics.csv} lines, in shard row order
 */
public record StagedShard(int index, String sha256, long bytes, int rows, int[] networkIds, String metricsLines) {

    /** The folder inside a zoo where workers stage shards. */
    public static final String STAGING_DIR = "staging";
    private static final String RECEIPT_FORMAT = "orbit-zoo-staged-shard";
    private static final int RECEIPT_VERSION = 1;
    /** Receipts are small (one metrics line per checkpoint); a larger file is not one of ours. */
    private static final long MAX_RECEIPT_BYTES = 256L << 20;

    /**
     * Writes a shard of complete networks into {@code zooDir/staging/}.
     *
     * @param zooDir the zoo folder
     * @param description the zoo's description (spec and checkpoint epochs)
     * @param formatVersion the zoo's format version, recorded in the shard's metadata
     * @param index the shard index it will have when committed
     * @param records every checkpoint of its networks, in any order
     * @return the staged shard, as {@link #find} will read it back
     * @throws IllegalArgumentException when a network lacks a checkpoint or has one twice
     */
    public static StagedShard write(Path zooDir, ZooDescription description, int formatVersion, int index,
            List<CheckpointRecord> records) throws IOException {
        List<CheckpointRecord> rows = shardOrder(description, records);
        Path staging = zooDir.resolve(STAGING_DIR);
        Files.createDirectories(staging);
        String token = UUID.randomUUID().toString(); // two attempts of one worker never share a temporary file
        Path file = shardFile(zooDir, index);
        Path temp = staging.resolve(ZooFormat.tempName(file.getFileName() + "." + token));
        ShardFile.write(temp, description.spec(), rows, index, formatVersion);
        String sha = FileDigest.sha256(temp);
        long bytes = Files.size(temp);
        AtomicFiles.publish(temp, file);
        StringBuilder lines = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            lines.append(MetricsCsv.line(rows.get(r), index, r));
        }
        int[] ids = rows.stream().mapToInt(CheckpointRecord::networkId).distinct().toArray();
        StagedShard staged = new StagedShard(index, sha, bytes, rows.size(), ids, lines.toString());
        Path receipt = receiptFile(zooDir, index);
        AtomicFiles.write(receipt, staged.toJson().getBytes(StandardCharsets.UTF_8),
                staging.resolve(ZooFormat.tempName(receipt.getFileName() + "." + token)));
        return staged;
    }

    /**
     * Checkpoints in the order a shard holds them: networks ascending, each network's epochs ascending;
     * every network must have every checkpoint exactly once.
     */
    static List<CheckpointRecord> shardOrder(ZooDescription description, List<CheckpointRecord> records) {
        Map<Integer, TreeSet<Integer>> epochs = new HashMap<>();
        for (CheckpointRecord r : records) {
            if (!description.checkpointEpochs().contains(r.epoch())) {
                throw new IllegalArgumentException("Network " + r.networkId() + " checkpoint at epoch " + r.epoch()
                        + " is not one of the zoo's checkpoint epochs " + description.checkpointEpochs());
            }
            if (!epochs.computeIfAbsent(r.networkId(), k -> new TreeSet<>()).add(r.epoch())) {
                throw new IllegalArgumentException("Network " + r.networkId() + " epoch " + r.epoch() + " was given twice");
            }
        }
        epochs.forEach((id, seen) -> {
            if (seen.size() != description.checkpointsPerNetwork()) {
                throw new IllegalArgumentException("Network " + id + " has checkpoints at epochs " + seen + ", not at all of "
                        + description.checkpointEpochs());
            }
        });
        if (records.isEmpty()) {
            throw new IllegalArgumentException("A shard needs at least one network");
        }
        List<CheckpointRecord> rows = new ArrayList<>(records);
        rows.sort(Comparator.comparingInt(CheckpointRecord::networkId).thenComparingInt(CheckpointRecord::epoch));
        return rows;
    }

    /**
     * The staged shard {@code index} of a zoo, if a worker finished it: its receipt is readable and the
     * shard file's size and SHA-256 match the receipt. Anything else (no receipt, a file changed or cut
     * short, an unreadable receipt) is empty: the shard must be written again.
     */
    public static Optional<StagedShard> find(Path zooDir, int index) throws IOException {
        Path receipt = receiptFile(zooDir, index);
        Path file = shardFile(zooDir, index);
        if (!Files.isRegularFile(receipt) || !Files.isRegularFile(file) || Files.size(receipt) > MAX_RECEIPT_BYTES) {
            return Optional.empty();
        }
        StagedShard staged;
        try {
            staged = fromJson(Files.readString(receipt, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return Optional.empty(); // a receipt of another version or a damaged one: write the shard again
        }
        if (staged.index() != index || Files.size(file) != staged.bytes()
                || !FileDigest.sha256(file).equals(staged.sha256())) {
            return Optional.empty();
        }
        return Optional.of(staged);
    }

    /**
     * Deletes what killed workers left in {@code zooDir/staging/}: temporary files, and receipts and
     * shard files of shards the zoo has already committed. Call it only while no worker writes.
     *
     * @return files deleted
     */
    public static int clean(Path zooDir, int committedShards) throws IOException {
        Path staging = zooDir.resolve(STAGING_DIR);
        if (!Files.isDirectory(staging)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(staging)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                java.util.regex.Matcher m = STAGED_NAME.matcher(name);
                boolean done = m.matches() && Integer.parseInt(m.group(1)) < committedShards;
                if (Files.isRegularFile(p) && (ZooFormat.isTempName(name) || done)) {
                    Files.delete(p);
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Removes the staging folder when it holds nothing more. */
    public static void removeIfEmpty(Path zooDir) throws IOException {
        Path staging = zooDir.resolve(STAGING_DIR);
        if (Files.isDirectory(staging)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(staging)) {
                if (entries.iterator().hasNext()) {
                    return;
                }
            }
            Files.delete(staging);
        }
    }

    private static final java.util.regex.Pattern STAGED_NAME =
            java.util.regex.Pattern.compile("shard-(\\d{5,})\\.(safetensors|json)");

    /** @return the staged shard file of index {@code index} */
    public static Path shardFile(Path zooDir, int index) {
        return zooDir.resolve(STAGING_DIR).resolve(Path.of(ZooFormat.shardPath(index)).getFileName());
    }

    static Path receiptFile(Path zooDir, int index) {
        return zooDir.resolve(STAGING_DIR).resolve(String.format(Locale.ROOT, "shard-%05d.json", index));
    }

    /** @return the UTF-8 bytes of {@link #metricsLines()} */
    byte[] metricsBytes() {
        return metricsLines.getBytes(StandardCharsets.UTF_8);
    }

    private String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("format", RECEIPT_FORMAT);
        o.addProperty("format_version", RECEIPT_VERSION);
        o.addProperty("index", index);
        o.addProperty("sha256", sha256);
        o.addProperty("bytes", bytes);
        o.addProperty("rows", rows);
        JsonArray ids = new JsonArray();
        for (int id : networkIds) {
            ids.add(id);
        }
        o.add("network_ids", ids);
        o.addProperty("metrics_sha256", sha256(metricsLines));
        o.addProperty("metrics", metricsLines);
        return new GsonBuilder().disableHtmlEscaping().create().toJson(o) + "\n";
    }

    private static StagedShard fromJson(String json) {
        JsonObject o;
        try {
            o = JsonParser.parseString(json).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException("not a JSON object", e);
        }
        if (!RECEIPT_FORMAT.equals(o.get("format").getAsString())
                || o.get("format_version").getAsInt() != RECEIPT_VERSION) {
            throw new IllegalArgumentException("not a staged shard receipt of version " + RECEIPT_VERSION);
        }
        String metrics = o.get("metrics").getAsString();
        if (!sha256(metrics).equals(o.get("metrics_sha256").getAsString())) {
            throw new IllegalArgumentException("metrics do not match their checksum");
        }
        JsonArray idArray = o.getAsJsonArray("network_ids");
        int[] ids = new int[idArray.size()];
        int i = 0;
        for (JsonElement e : idArray) {
            ids[i++] = e.getAsInt();
        }
        return new StagedShard(o.get("index").getAsInt(), o.get("sha256").getAsString(), o.get("bytes").getAsLong(),
                o.get("rows").getAsInt(), ids, metrics);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JVM lacks SHA-256", e);
        }
    }
}
