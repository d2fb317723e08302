package dev.orbit.zoo.format;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A committed weight shard as the manifest lists it.
 *
 * @param index the shard's position in the zoo, 0-based
 * @param file the path relative to the zoo folder ({@code shards/shard-00000.safetensors})
 * @param sha256 the file's SHA-256, 64 lowercase hex digits
 * @param bytes the file's size
 * @param firstRow the zoo row of the shard's first checkpoint
 * @param rows checkpoints in the shard
 * @param networkIds the networks whose checkpoints the shard holds, as inclusive ranges, ascending
 */
public record ShardInfo(
        int index, String file, String sha256, long bytes, int firstRow, int rows, List<IdRange> networkIds) {

    /**
     * An inclusive range of network ids.
     *
     * @param first the first id
     * @param last the last id, {@code >= first}
     */
    public record IdRange(int first, int last) {

        /** Checks the order. */
        public IdRange {
            if (last < first) {
                throw new IllegalArgumentException("Empty network id range [" + first + ", " + last + "]");
            }
        }

        /** @return ids in the range */
        public int size() {
            return last - first + 1;
        }
    }

    /** Copies the ranges. */
    public ShardInfo {
        networkIds = List.copyOf(networkIds);
    }

    /** @return the lowest network id in the shard */
    public int firstNetworkId() {
        return networkIds.get(0).first();
    }

    /** @return the highest network id in the shard */
    public int lastNetworkId() {
        return networkIds.get(networkIds.size() - 1).last();
    }

    /** @return the zoo row after the shard's last checkpoint */
    public int endRow() {
        return firstRow + rows;
    }

    /** @return every network id in the shard, ascending */
    public int[] networkIdArray() {
        return networkIds.stream().flatMapToInt(r -> java.util.stream.IntStream.rangeClosed(r.first(), r.last()))
                .toArray();
    }

    /** @return the ascending, distinct ids compressed into inclusive ranges */
    static List<IdRange> ranges(int[] ids) {
        int[] sorted = Arrays.stream(ids).distinct().sorted().toArray();
        List<IdRange> out = new ArrayList<>();
        int i = 0;
        while (i < sorted.length) {
            int j = i;
            while (j + 1 < sorted.length && sorted[j + 1] == sorted[j] + 1) {
                j++;
            }
            out.add(new IdRange(sorted[i], sorted[j]));
            i = j + 1;
        }
        return out;
    }

    JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("file", file);
        o.addProperty("sha256", sha256);
        o.addProperty("bytes", bytes);
        o.addProperty("first_row", firstRow);
        o.addProperty("rows", rows);
        o.addProperty("first_network_id", firstNetworkId());
        o.addProperty("last_network_id", lastNetworkId());
        JsonArray ranges = new JsonArray();
        for (IdRange r : networkIds) {
            JsonArray pair = new JsonArray();
            pair.add(r.first());
            pair.add(r.last());
            ranges.add(pair);
        }
        o.add("network_ids", ranges);
        return o;
    }

    static ShardInfo fromJson(int index, JsonObject o, String source) throws ZooFormatException {
        String where = source + " shard " + index;
        ManifestFields f = new ManifestFields(o, where);
        List<IdRange> ranges = new ArrayList<>();
        for (JsonElement e : f.array("network_ids")) {
            if (!e.isJsonArray() || e.getAsJsonArray().size() != 2) {
                throw ManifestFields.corrupt(where, "has network_ids that are not [first, last] pairs");
            }
            int first = ManifestFields.asInt(e.getAsJsonArray().get(0), where, "network_ids");
            int last = ManifestFields.asInt(e.getAsJsonArray().get(1), where, "network_ids");
            if (first < 0 || last < first || (!ranges.isEmpty() && first <= ranges.get(ranges.size() - 1).last())) {
                throw ManifestFields.corrupt(where, "has network_ids ranges that are not ascending non-negative ids");
            }
            ranges.add(new IdRange(first, last));
        }
        if (ranges.isEmpty()) {
            throw ManifestFields.corrupt(where, "lists no network ids");
        }
        String file = f.string("file");
        if (!file.equals(ZooFormat.shardPath(index))) {
            throw ManifestFields.corrupt(where, "names the file " + file + " but expected " + ZooFormat.shardPath(index));
        }
        String sha = f.string("sha256");
        if (!ManifestFields.isSha256(sha)) {
            throw ManifestFields.corrupt(where, "has a sha256 that is not 64 lowercase hex digits");
        }
        int rows = f.intValue("rows");
        long bytes = f.longValue("bytes");
        int firstRow = f.intValue("first_row");
        if (rows <= 0 || bytes <= 0 || firstRow < 0) {
            throw ManifestFields.corrupt(where, "has non-positive rows or bytes, or a negative first_row");
        }
        return new ShardInfo(index, file, sha, bytes, firstRow, rows, ranges);
    }
}
