package dev.orbit.zoo.format;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A zoo's {@code manifest.json}: the format version, what the zoo is ({@link ZooDescription}), its
 * provenance, and the committed shards. The manifest is the zoo's single commit point: a shard or a
 * metrics row that it does not cover does not exist for readers.
 *
 * @param formatVersion the format version the zoo was written in
 * @param description what the zoo is
 * @param networks how many networks the zoo is meant to hold (ids 0 .. networks-1)
 * @param provenance where the zoo came from
 * @param shards the committed shards, in order
 * @param metricsBytes the committed length of {@code metrics.csv}, header included
 * @param metricsSha256 the SHA-256 of those bytes, or null in a version 1 zoo (its metrics are unchecked)
 * @param updatedAt when the manifest was last written (ISO-8601 instant)
 */
public record ZooManifest(
        int formatVersion,
        ZooDescription description,
        int networks,
        Provenance provenance,
        List<ShardInfo> shards,
        long metricsBytes,
        String metricsSha256,
        String updatedAt) {

    /** Copies the shard list. */
    public ZooManifest {
        shards = List.copyOf(shards);
        if (networks < 0) {
            throw new IllegalArgumentException("networks must be >= 0, got " + networks);
        }
    }

    /** A manifest for a new, empty zoo. */
    static ZooManifest create(ZooDescription description, int networks, Provenance provenance, long metricsHeaderBytes,
            String metricsHeaderSha256) {
        return new ZooManifest(ZooFormat.VERSION, description, networks, provenance, List.of(), metricsHeaderBytes,
                metricsHeaderSha256, Instant.now().toString());
    }

    /** @return committed checkpoints (rows) */
    public int rows() {
        return shards.isEmpty() ? 0 : shards.get(shards.size() - 1).endRow();
    }

    /** @return parameters per checkpoint */
    public int parameterCount() {
        return Math.toIntExact(description.spec().parameterCount());
    }

    /** @return the ids of networks whose checkpoints are all committed */
    public BitSet completedNetworks() {
        BitSet done = new BitSet();
        for (ShardInfo s : shards) {
            for (ShardInfo.IdRange r : s.networkIds()) {
                done.set(r.first(), r.last() + 1);
            }
        }
        return done;
    }

    /** @return whether {@code metrics.csv} is under {@link #metricsSha256()} (format version 2 on) */
    public boolean checksMetrics() {
        return formatVersion >= ZooFormat.METRICS_CHECKSUM_SINCE;
    }

    /**
     * This manifest with one more committed shard.
     *
     * @param newMetricsSha256 the SHA-256 of the first {@code newMetricsBytes} of {@code metrics.csv};
     *     ignored (null) in a version 1 zoo, which a writer keeps at version 1
     */
    ZooManifest withShard(ShardInfo shard, long newMetricsBytes, String newMetricsSha256) {
        List<ShardInfo> more = new ArrayList<>(shards);
        more.add(shard);
        return new ZooManifest(formatVersion, description, networks, provenance, more, newMetricsBytes,
                checksMetrics() ? newMetricsSha256 : null, Instant.now().toString());
    }

    /** This manifest with a rewritten {@code metrics.csv} of {@code newMetricsBytes} bytes (format version 2 on). */
    ZooManifest withMetrics(long newMetricsBytes, String newMetricsSha256) {
        return new ZooManifest(formatVersion, description, networks, provenance, shards, newMetricsBytes,
                newMetricsSha256, Instant.now().toString());
    }

    /** This manifest with another target network count. */
    ZooManifest withNetworks(int newNetworks) {
        return new ZooManifest(formatVersion, description, newNetworks, provenance, shards, metricsBytes,
                metricsSha256, Instant.now().toString());
    }

    /** @return the manifest as pretty-printed JSON */
    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("format", ZooFormat.FORMAT_NAME);
        o.addProperty("format_version", formatVersion);
        description.writeTo(o);
        o.addProperty("parameter_count", parameterCount());
        o.addProperty("networks", networks);
        o.addProperty("checkpoints_per_network", description.checkpointsPerNetwork());
        o.add("provenance", provenance.toJson());
        o.addProperty("updated_at", updatedAt);
        o.addProperty("rows", rows());
        o.addProperty("metrics_bytes", metricsBytes);
        if (metricsSha256 != null) {
            o.addProperty("metrics_sha256", metricsSha256);
        }
        JsonArray shardArray = new JsonArray();
        shards.forEach(s -> shardArray.add(s.toJson()));
        o.add("shards", shardArray);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o) + "\n";
    }

    /** Writes {@code manifest.json} into {@code dir} atomically. */
    void writeAtomically(Path dir) throws IOException {
        AtomicFiles.write(dir.resolve(ZooFormat.MANIFEST), toJson().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads and validates a zoo folder's manifest.
     *
     * @param dir the zoo folder
     * @return the manifest
     * @throws ZooFormatException when there is no manifest, it is malformed, or its format version is
     *     newer than {@link ZooFormat#VERSION}
     * @throws IOException when reading fails
     */
    public static ZooManifest read(Path dir) throws IOException {
        Path file = dir.resolve(ZooFormat.MANIFEST);
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ZooFormatException(ZooFormatException.Reason.NOT_A_ZOO,
                    dir + " is not an Orbit zoo: it has no " + ZooFormat.MANIFEST + ".", e);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, file + " is not valid UTF-8 text.", e);
        }
        return fromJson(json, file.toString());
    }

    /**
     * Parses a manifest.
     *
     * @param json the manifest's text
     * @param source the file name used in error messages
     * @return the manifest
     * @throws ZooFormatException when the text is not a valid manifest of a version this Orbit reads
     */
    public static ZooManifest fromJson(String json, String source) throws ZooFormatException {
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT,
                    source + " is not valid JSON (" + e.getMessage() + ").", e);
        }
        if (!root.isJsonObject()) {
            throw ManifestFields.corrupt(source, "is not a JSON object");
        }
        JsonObject o = root.getAsJsonObject();
        ManifestFields f = new ManifestFields(o, source);
        if (!ZooFormat.FORMAT_NAME.equals(f.has("format") ? f.string("format") : null)) {
            throw new ZooFormatException(ZooFormatException.Reason.NOT_A_ZOO,
                    source + " is not an Orbit zoo manifest (expected \"format\": \"" + ZooFormat.FORMAT_NAME + "\").");
        }
        int version = f.intValue("format_version");
        if (version > ZooFormat.VERSION) {
            throw new ZooFormatException(ZooFormatException.Reason.NEWER_VERSION, source + " has format version "
                    + version + " but this Orbit reads versions up to " + ZooFormat.VERSION + "; upgrade Orbit to read it.");
        }
        if (version < 1) {
            throw ManifestFields.corrupt(source, "has an invalid format_version " + version);
        }
        ZooDescription description = ZooDescription.readFrom(o, source);
        int networks = f.intValue("networks");
        if (networks < 0 || networks > ZooFormat.MAX_NETWORKS) {
            throw ManifestFields.corrupt(source, "has a network count outside [0, " + ZooFormat.MAX_NETWORKS + "]");
        }
        if (f.has("parameter_count") && f.longValue("parameter_count") != description.spec().parameterCount()) {
            throw ManifestFields.corrupt(source, "has parameter_count " + f.longValue("parameter_count")
                    + " but its network_spec has " + description.spec().parameterCount() + " parameters");
        }
        Provenance provenance = Provenance.fromJson(f.object("provenance"), source + " provenance");
        List<ShardInfo> shards = new ArrayList<>();
        JsonArray shardArray = f.array("shards");
        BitSet seen = new BitSet();
        int nextRow = 0;
        for (int i = 0; i < shardArray.size(); i++) {
            if (!shardArray.get(i).isJsonObject()) {
                throw ManifestFields.corrupt(source, "has shard " + i + " that is not a JSON object");
            }
            ShardInfo s = ShardInfo.fromJson(i, shardArray.get(i).getAsJsonObject(), source);
            if (s.firstRow() != nextRow) {
                throw ManifestFields.corrupt(source, "has shard " + i + " starting at row " + s.firstRow()
                        + " but expected " + nextRow);
            }
            int ids = 0;
            for (ShardInfo.IdRange r : s.networkIds()) {
                if (r.last() >= networks) {
                    throw ManifestFields.corrupt(source, "has shard " + i + " holding network " + r.last()
                            + " but plans only " + networks + " networks");
                }
                if (seen.nextSetBit(r.first()) >= 0 && seen.nextSetBit(r.first()) <= r.last()) {
                    throw ManifestFields.corrupt(source, "lists network " + seen.nextSetBit(r.first())
                            + " in more than one shard");
                }
                seen.set(r.first(), r.last() + 1);
                ids += r.size();
            }
            if ((long) ids * description.checkpointsPerNetwork() != s.rows()) {
                throw ManifestFields.corrupt(source, "has shard " + i + " with " + s.rows() + " rows but "
                        + ids + " networks of " + description.checkpointsPerNetwork() + " checkpoints");
            }
            nextRow = s.endRow();
            shards.add(s);
        }
        long metricsBytes = f.longValue("metrics_bytes");
        String metricsSha = null;
        if (version >= ZooFormat.METRICS_CHECKSUM_SINCE) {
            metricsSha = f.string("metrics_sha256");
            if (!ManifestFields.isSha256(metricsSha)) {
                throw ManifestFields.corrupt(source, "has a metrics_sha256 that is not 64 lowercase hex digits");
            }
        }
        String updatedAt = f.has("updated_at") ? f.string("updated_at") : provenance.createdAt();
        return new ZooManifest(version, description, networks, provenance, shards, metricsBytes, metricsSha, updatedAt);
    }
}
