package dev.orbit.metanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;

/**
 * NFN's NP invariant pooling (Zhou et al. 2023, §3.2): every W_l and b_l averaged over all its
 * neuron axes, giving a flat (B, D) vector unchanged by any permutation of any boundary.
 *
 * <p>Input: the interleaved weight-space NDList with C channels. Output: (B, C * Σ_l (f_l + 1)),
 * ordered as NFN's {@code NPPool} then flattened: channel-major, and per channel W_0's f_0 kernel
 * means, b_0's mean, W_1's, ... so a head trained on NFN's layout reads it unchanged.
 */
public final class NpPool extends InvariantPool {

    NpPool(InvariantPool.Builder<NpPool> builder) {
        super("NpPool", builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** D, the pooled size for features with {@code channels} channels: C * Σ_l (f_l + 1). */
    public static long outputSize(NetworkSpec spec, int channels) {
        long perChannel = 0;
        for (int l = 0; l < spec.numLayers(); l++) {
            perChannel += spec.layer(l).filterSize() + 1;
        }
        return channels * perChannel;
    }

    @Override
    public long getOutputSize(int channels) {
        return outputSize(getNetworkSpec(), channels);
    }

    @Override
    NDList poolParts(NetworkSpec spec, WeightSpaceFeatures x, int channels) {
        long batch = x.batchSize();
        NDList parts = new NDList();
        for (int l = 0; l < spec.numLayers(); l++) {
            NDArray w = x.weight(l).mean(new int[] {1}).mean(new int[] {1}); // (B, C * f_l)
            parts.add(w.reshape(batch, channels, spec.layer(l).filterSize())); // (B, C, f_l)
            parts.add(x.bias(l).mean(new int[] {1}).expandDims(2)); // (B, C, 1)
        }
        return parts;
    }

    /** Builds an {@link NpPool}. */
    public static final class Builder extends InvariantPool.Builder<NpPool> {

        Builder() {
            super("NpPool", NpPool::new);
        }
    }
}
