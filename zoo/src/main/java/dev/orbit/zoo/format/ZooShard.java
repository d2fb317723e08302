package dev.orbit.zoo.format;

/**
 * One committed shard, read whole and verified (checksum and shapes): what a streaming reader holds
 * in memory at a time. Rows are in shard order; {@link #weights()} is row-major, one flat canonical
 * vector (W_0, b_0, W_1, b_1, ...) per row.
 */
public final class ZooShard {

    private final ShardInfo info;
    private final int parameterCount;
    private final int[] networkIds;
    private final int[] epochs;
    private final float[] weights;

    ZooShard(ShardInfo info, int parameterCount, int[] networkIds, int[] epochs, float[] weights) {
        this.info = info;
        this.parameterCount = parameterCount;
        this.networkIds = networkIds;
        this.epochs = epochs;
        this.weights = weights;
    }

    /** @return the manifest's entry for this shard */
    public ShardInfo info() {
        return info;
    }

    /** @return checkpoints in the shard */
    public int rows() {
        return info.rows();
    }

    /** @return parameters per checkpoint */
    public int parameterCount() {
        return parameterCount;
    }

    /** @return row {@code r}'s network id */
    public int networkId(int r) {
        return networkIds[r];
    }

    /** @return row {@code r}'s epoch */
    public int epoch(int r) {
        return epochs[r];
    }

    /** @return a copy of row {@code r}'s flat canonical weights */
    public float[] weights(int r) {
        float[] out = new float[parameterCount];
        System.arraycopy(weights, r * parameterCount, out, 0, parameterCount);
        return out;
    }

    /** @return all rows' weights, row-major (rows x parameters); the shard's own array, not a copy */
    public float[] weights() {
        return weights;
    }
}
