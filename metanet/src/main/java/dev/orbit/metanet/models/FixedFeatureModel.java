package dev.orbit.metanet.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.function.Function;

/**
 * A baseline that reads fixed, parameter-free features of a network's weights with an
 * {@link MlpHead} (docs/DESIGN.md §3, §4): what {@link FlatMlp} (the flat parameter vector) and
 * {@link StatNn} (per-layer statistics) share. Only the head learns, so each model gives just its
 * features (B, D) and their shape.
 *
 * <p>Input: the interleaved weight-space NDList W_0, b_0, W_1, b_1, .... Output: (B, head output).
 */
public abstract class FixedFeatureModel extends AbstractBlock implements WeightSpacePredictor {

    private static final byte VERSION = 1;

    private final String name;
    private final NetworkSpec spec;
    private final MlpHead head;

    FixedFeatureModel(String name, Builder<?, ?> builder) {
        super(VERSION);
        this.name = name;
        this.spec = builder.spec;
        this.head = addChildBlock("head", builder.head);
    }

    /** The features the head reads, (B, D). */
    abstract NDArray features(NDList inputs);

    /** The shape (B, D) of {@link #features} for inputs of {@code inputShapes}, checked against the spec. */
    abstract Shape featureShape(Shape[] inputShapes);

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray features = features(inputs); // (B, D)
        return head.forward(parameterStore, new NDList(features), training); // (B, out)
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        head.initialize(manager, dataType, featureShape(inputShapes));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return head.getOutputShapes(new Shape[] {featureShape(inputShapes)});
    }

    /** Checks that {@code shapes} hold a W_l and a b_l for every layer of the spec. */
    void checkTensorCount(Shape[] shapes) {
        if (shapes.length != 2 * spec.numLayers()) {
            throw new IllegalArgumentException(name + " expects " + 2 * spec.numLayers()
                    + " weight-space tensors (W_l, b_l per layer), got " + shapes.length);
        }
    }

    /** The architecture whose weights are read. */
    NetworkSpec spec() {
        return spec;
    }

    /** The MLP that reads the features. */
    public MlpHead getHead() {
        return head;
    }

    /**
     * The settings both baselines need.
     *
     * @param <B> the concrete builder
     * @param <T> the model it builds
     */
    public abstract static class Builder<B extends Builder<B, T>, T extends FixedFeatureModel> {
        private final String name;
        private final Function<B, T> constructor;
        NetworkSpec spec;
        MlpHead head;

        Builder(String name, Function<B, T> constructor) {
            this.name = name;
            this.constructor = constructor;
        }

        /** Required: the architecture whose weights are read. */
        public B setNetworkSpec(NetworkSpec spec) {
            this.spec = spec;
            return self();
        }

        /** Required: the MLP on the features, e.g. hidden 32 x 2, output 1 for accuracy. */
        public B setHead(MlpHead head) {
            this.head = head;
            return self();
        }

        /** Validates the settings and builds the model. */
        public T build() {
            if (spec == null) {
                throw new IllegalArgumentException(name + " needs setNetworkSpec(spec)");
            }
            if (head == null) {
                throw new IllegalArgumentException(name + " needs setHead(MlpHead.builder()...build())");
            }
            return constructor.apply(self());
        }

        abstract B self();
    }
}
