package dev.orbit.metanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Dropout on every entry of every tensor of a weight-space NDList (W_0, b_0, W_1, b_1, ...): in
 * training each entry is zeroed with probability {@code rate} and the rest scaled by
 * 1 / (1 - rate); at inference it is the identity. Independent per entry, it is equivariant in
 * distribution to neuron permutations (NFN's {@code TupleOp(nn.Dropout)}).
 */
public final class WeightSpaceDropout extends AbstractBlock {

    private static final byte VERSION = 1;

    private final float rate;

    WeightSpaceDropout(Builder builder) {
        super(VERSION);
        this.rate = builder.rate;
    }

    public static Builder builder() {
        return new Builder();
    }

    public float getRate() {
        return rate;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        if (!training || rate == 0f) {
            return inputs;
        }
        NDList out = new NDList(inputs.size());
        for (NDArray x : inputs) {
            out.add(Dropout.dropout(x, rate, true).singletonOrThrow()); // same shape as x
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes.clone();
    }

    @Override
    public String toString() {
        return "WeightSpaceDropout(" + rate + ")";
    }

    /** Builds a {@link WeightSpaceDropout}. */
    public static final class Builder {
        private float rate = 0.5f;

        Builder() {}

        /** Optional drop probability in [0, 1); default 0.5, as DJL's {@code Dropout}. */
        public Builder optRate(float rate) {
            this.rate = rate;
            return this;
        }

        public WeightSpaceDropout build() {
            if (!(rate >= 0f && rate < 1f)) {
                throw new IllegalArgumentException("WeightSpaceDropout rate must be in [0, 1), got " + rate);
            }
            return new WeightSpaceDropout(this);
        }
    }
}
