package dev.orbit.zoo.format;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The fixed names of Orbit's zoo format, version {@value #VERSION}: file names inside a zoo folder
 * and tensor names inside a shard. {@code zoo/FORMAT.md} is the specification.
 */
public final class ZooFormat {

    /** The format version this Orbit writes and the newest it reads. */
    public static final int VERSION = 2;
    /** The first version whose manifest holds {@code metrics_sha256}; older zoos' metrics are unchecked. */
    static final int METRICS_CHECKSUM_SINCE = 2;
    /**
     * The most networks a zoo may plan: a writer keeps one bit and a resume plans one member per
     * network, so a mistyped {@code --networks 2000000000} is refused instead of exhausting memory.
     * A million is far beyond published model zoos (tens of thousands of networks).
     */
    public static final int MAX_NETWORKS = 1_000_000;
    /** The value of the manifest's {@code format} field and of each shard's metadata. */
    public static final String FORMAT_NAME = "orbit-zoo";
    /** The manifest: the single commit point of a zoo. */
    public static final String MANIFEST = "manifest.json";
    /** One row per committed checkpoint, in zoo row order. */
    public static final String METRICS = "metrics.csv";
    /** The folder holding the weight shards. */
    public static final String SHARDS_DIR = "shards";
    /** Shard tensor: each row's network id, int32 (rows). */
    public static final String NETWORK_ID_TENSOR = "network_id";
    /** Shard tensor: each row's epoch, int32 (rows). */
    public static final String EPOCH_TENSOR = "epoch";

    static final String TEMP_SUFFIX = ".tmp";
    static final String LOCK_FILE = ".orbit-zoo.lock";
    static final Pattern SHARD_NAME = Pattern.compile("shard-(\\d{5,})\\.safetensors");

    private ZooFormat() {}

    /** @return the path of shard {@code index} relative to the zoo folder, e.g. {@code shards/shard-00000.safetensors} */
    public static String shardPath(int index) {
        return SHARDS_DIR + "/" + String.format(Locale.ROOT, "shard-%05d.safetensors", index);
    }

    /** @return the shard tensor holding layer {@code layer}'s weights, e.g. {@code layer0.weight} */
    public static String weightTensor(int layer) {
        return "layer" + layer + ".weight";
    }

    /** @return the shard tensor holding layer {@code layer}'s biases, e.g. {@code layer0.bias} */
    public static String biasTensor(int layer) {
        return "layer" + layer + ".bias";
    }

    /** True for the names this format gives its in-progress files (removed when a writer opens the zoo). */
    static boolean isTempName(String fileName) {
        return fileName.startsWith(".") && fileName.endsWith(TEMP_SUFFIX);
    }

    /** The temporary sibling a file is written to before its atomic rename. */
    static String tempName(String fileName) {
        return "." + fileName + TEMP_SUFFIX;
    }
}
