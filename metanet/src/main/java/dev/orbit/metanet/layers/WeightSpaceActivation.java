package dev.orbit.metanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orbit.metanet.space.ActivationKind;

/**
 * An elementwise non-linearity applied to every tensor of a weight-space NDList (W_0, b_0, W_1, b_1,
 * ...). Acting entry by entry, it commutes with every neuron permutation (NFN, Zhou et al. 2023, §3).
 *
 * <p>DJL's own {@code Activation} blocks call {@code singletonOrThrow} and so cannot take a
 * weight-space list; this block can. Output shapes equal input shapes.
 */
public final class WeightSpaceActivation extends AbstractBlock {

    private static final byte VERSION = 1;

    private final ActivationKind kind;

    WeightSpaceActivation(Builder builder) {
        super(VERSION);
        this.kind = builder.kind;
    }

    /** A block applying {@code kind}; shorthand for the builder. */
    public static WeightSpaceActivation of(ActivationKind kind) {
        return builder().setKind(kind).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The function this block applies. */
    public ActivationKind getKind() {
        return kind;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = new NDList(inputs.size());
        for (NDArray x : inputs) {
            out.add(kind.apply(x)); // same shape as x: (B, n_l, n_{l-1}, C_l) or (B, n_l, C)
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes.clone();
    }

    @Override
    public String toString() {
        return "WeightSpaceActivation(" + kind.id() + ")";
    }

    /** Builds a {@link WeightSpaceActivation}. */
    public static final class Builder {
        private ActivationKind kind;

        Builder() {}

        /** Required: the elementwise function. */
        public Builder setKind(ActivationKind kind) {
            this.kind = kind;
            return this;
        }

        public WeightSpaceActivation build() {
            if (kind == null) {
                throw new IllegalArgumentException("WeightSpaceActivation needs setKind(...), e.g. ActivationKind.RELU");
            }
            return new WeightSpaceActivation(this);
        }
    }
}
