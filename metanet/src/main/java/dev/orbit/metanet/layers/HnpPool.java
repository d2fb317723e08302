package dev.orbit.metanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;

/**
 * NFN's HNP invariant pooling (Zhou et al. 2023, §3.2): averages over hidden neuron axes only, so
 * the network's fixed input and output neurons stay visible (docs/DESIGN.md §3). W_0 is averaged over
 * its rows and keeps its n_0 input neurons, W_{L-1} over its columns and keeps its n_L outputs, the
 * last bias is kept whole, and every other tensor is averaged over all its neuron axes. The result
 * is unchanged by any permutation of hidden neurons.
 *
 * <p>Input: the interleaved weight-space NDList with C channels. Output (B, D), ordered as NFN's
 * {@code HNPPool} then flattened: channel-major, then layer by layer weight part before bias part,
 * neuron before kernel position. For a single-layer network it follows NFN too (W_0 keeps its
 * inputs, b_0 is kept whole).
 */
public final class HnpPool extends InvariantPool {

    HnpPool(InvariantPool.Builder<HnpPool> builder) {
        super("HnpPool", builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * D, the pooled size for features with {@code channels} channels: C * (n_0 f_0 + 1 + Σ_hidden
     * (f_l + 1) + n_L f_{L-1} + n_L) for L >= 2.
     */
    public static long outputSize(NetworkSpec spec, int channels) {
        int layers = spec.numLayers();
        int[] n = spec.neuronCounts();
        long perChannel = 0;
        for (int l = 0; l < layers; l++) {
            long f = spec.layer(l).filterSize();
            perChannel += l == 0 ? n[0] * f : l == layers - 1 ? n[layers] * f : f;
            perChannel += l == layers - 1 ? n[layers] : 1;
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
        int last = spec.numLayers() - 1;
        NDList parts = new NDList();
        for (int l = 0; l <= last; l++) {
            long f = spec.layer(l).filterSize();
            NDArray w = x.weight(l); // (B, n_out, n_in, C * f)
            if (l == 0 || l == last) {
                // keep the fixed axis: inputs of W_0 (mean over rows), outputs of W_{L-1} (mean over columns)
                NDArray kept = w.mean(new int[] {l == 0 ? 1 : 2}); // (B, n_kept, C * f)
                long nKept = kept.getShape().get(1);
                parts.add(kept.reshape(batch, nKept, channels, f) // (B, n_kept, C, f)
                        .transpose(0, 2, 1, 3) // (B, C, n_kept, f)
                        .reshape(batch, channels, nKept * f)); // (B, C, n_kept * f)
            } else {
                parts.add(w.mean(new int[] {1}).mean(new int[] {1}).reshape(batch, channels, f)); // (B, C, f)
            }
            if (l == last) {
                parts.add(x.bias(l).transpose(0, 2, 1)); // (B, C, n_L)
            } else {
                parts.add(x.bias(l).mean(new int[] {1}).expandDims(2)); // (B, C, 1)
            }
        }
        return parts;
    }

    /** Builds an {@link HnpPool}. */
    public static final class Builder extends InvariantPool.Builder<HnpPool> {

        Builder() {
            super("HnpPool", HnpPool::new);
        }
    }
}
