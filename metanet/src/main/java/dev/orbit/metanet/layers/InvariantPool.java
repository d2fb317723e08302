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
import java.util.function.Function;

/**
 * The DJL block around an invariant pooling (NFN, Zhou et al. 2023, §3.2): what {@link NpPool} and
 * {@link HnpPool} share. The two differ only in which neuron axes they average over, so each gives
 * its per-tensor parts (B, C, d) and this class checks shapes, concatenates them channel-major and
 * flattens to (B, D).
 */
public abstract class InvariantPool extends AbstractBlock {

    private static final byte VERSION = 1;

    private final String name;
    private final NetworkSpec spec;

    InvariantPool(String name, Builder<?> builder) {
        super(VERSION);
        this.name = name;
        this.spec = builder.spec;
    }

    /** D for this layer's spec and {@code channels} input channels. */
    public abstract long getOutputSize(int channels);

    /** The pooled parts of every W_l and b_l in NFN's order, each (B, C, d_i) with Σ d_i = D / C. */
    abstract NDList poolParts(NetworkSpec spec, WeightSpaceFeatures x, int channels);

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        int channels = WeightSpaceShapes.channels(spec, inputs.getShapes(), name);
        WeightSpaceFeatures x = WeightSpaceFeatures.fromNDList(inputs);
        NDArray pooled = NDArrays.concat(poolParts(spec, x, channels), 2); // (B, C, D / C)
        return new NDList(pooled.reshape(x.batchSize(), -1)); // (B, D)
    }

    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        WeightSpaceShapes.channels(spec, inputShapes, name); // no parameters, so no prepare(): check here
        super.beforeInitialize(inputShapes);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        int channels = WeightSpaceShapes.channels(spec, inputShapes, name);
        return new Shape[] {new Shape(inputShapes[0].get(0), getOutputSize(channels))};
    }

    /** The network architecture whose weight space this layer pools. */
    public NetworkSpec getNetworkSpec() {
        return spec;
    }

    @Override
    public String toString() {
        return name + "(" + spec.describe() + ")";
    }

    /**
     * The setting both poolings need. It is their only setting, so the setter can return this type
     * and a chain still ends in the concrete pooling's {@code build()}.
     *
     * @param <T> the pooling it builds
     */
    public abstract static class Builder<T extends InvariantPool> {
        private final String name;
        private final Function<Builder<T>, T> constructor;
        NetworkSpec spec;

        Builder(String name, Function<Builder<T>, T> constructor) {
            this.name = name;
            this.constructor = constructor;
        }

        /** Required: the architecture of the networks whose features are pooled. */
        public Builder<T> setNetworkSpec(NetworkSpec spec) {
            this.spec = spec;
            return this;
        }

        /** Validates the settings and builds the pooling. */
        public T build() {
            if (spec == null) {
                throw new IllegalArgumentException(name + " needs setNetworkSpec(spec)");
            }
            return constructor.apply(this);
        }
    }
}
