package dev.orbit.metanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
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
public final class NpPool extends AbstractBlock {

    private static final byte VERSION = 1;

    private final NetworkSpec spec;

    NpPool(Builder builder) {
        super(VERSION);
        this.spec = builder.spec;
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

    /** D for this layer's spec and {@code channels} input channels. */
    public long getOutputSize(int channels) {
        return outputSize(spec, channels);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        int channels = WeightSpaceShapes.channels(spec, inputs.getShapes(), "NpPool");
        WeightSpaceFeatures x = WeightSpaceFeatures.fromNDList(inputs);
        long batch = x.batchSize();
        NDList parts = new NDList();
        for (int l = 0; l < spec.numLayers(); l++) {
            NDArray w = x.weight(l).mean(new int[] {1}).mean(new int[] {1}); // (B, C * f_l)
            parts.add(w.reshape(batch, channels, spec.layer(l).filterSize())); // (B, C, f_l)
            parts.add(x.bias(l).mean(new int[] {1}).expandDims(2)); // (B, C, 1)
        }
        NDArray pooled = NDArrays.concat(parts, 2); // (B, C, Σ (f_l + 1))
        return new NDList(pooled.reshape(batch, -1)); // (B, D)
    }

    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        WeightSpaceShapes.channels(spec, inputShapes, "NpPool"); // no parameters, so no prepare(): check here
        super.beforeInitialize(inputShapes);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        int channels = WeightSpaceShapes.channels(spec, inputShapes, "NpPool");
        return new Shape[] {new Shape(inputShapes[0].get(0), outputSize(spec, channels))};
    }

    /** The network architecture whose weight space this layer pools. */
    public NetworkSpec getNetworkSpec() {
        return spec;
    }

    @Override
    public String toString() {
        return "NpPool(" + spec.describe() + ")";
    }

    /** Builds an {@link NpPool}. */
    public static final class Builder {
        private NetworkSpec spec;

        Builder() {}

        /** Required: the architecture of the networks whose features are pooled. */
        public Builder setNetworkSpec(NetworkSpec spec) {
            this.spec = spec;
            return this;
        }

        public NpPool build() {
            if (spec == null) {
                throw new IllegalArgumentException("NpPool needs setNetworkSpec(spec)");
            }
            return new NpPool(this);
        }
    }
}
