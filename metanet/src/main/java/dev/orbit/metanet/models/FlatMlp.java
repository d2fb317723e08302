package dev.orbit.metanet.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;

/**
 * The non-invariant baseline: flatten a network's raw parameters into the canonical vector
 * (W_0, b_0, W_1, b_1, ... in DJL's layout; {@link WeightSpaceFeatures#toFlat}) and read it with an
 * {@link MlpHead}. It ignores parameter-space symmetry, so permuted copies of one network get
 * different outputs; NFN reports it doing badly (docs/DESIGN.md §3, §4).
 *
 * <p>Input: the interleaved weight-space NDList of raw weights (C = 1), then, when built with
 * {@link Builder#optConditionSize}, a condition (B, E) appended to the flat vector (the flat
 * denoiser of a diffusion or flow model over weights, whose head outputs P values). Output:
 * (B, head output).
 */
public final class FlatMlp extends FixedFeatureModel {

    private final int conditionSize;

    FlatMlp(Builder builder) {
        super("FlatMlp", builder);
        this.conditionSize = builder.conditionSize;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    NDArray features(NDList inputs) {
        if (conditionSize == 0) {
            return WeightSpaceFeatures.fromNDList(inputs).toFlat(spec()); // (B, P)
        }
        NDArray flat = WeightSpaceFeatures.fromNDList(inputs.subNDList(0, inputs.size() - 1)).toFlat(spec()); // (B, P)
        return flat.concat(inputs.get(inputs.size() - 1), 1); // (B, P + E)
    }

    @Override
    Shape featureShape(Shape[] shapes) {
        Shape[] weights = shapes;
        if (conditionSize > 0) {
            Shape condition = shapes[shapes.length - 1];
            if (condition.dimension() != 2 || condition.get(1) != conditionSize) {
                throw new IllegalArgumentException("This FlatMlp reads a condition (B, " + conditionSize
                        + ") after the weights, got " + condition);
            }
            weights = java.util.Arrays.copyOf(shapes, shapes.length - 1);
        }
        checkTensorCount(weights);
        NetworkSpec spec = spec();
        int[] n = spec.neuronCounts();
        for (int l = 0; l < spec.numLayers(); l++) {
            Shape w = weights[2 * l];
            Shape b = weights[2 * l + 1];
            Shape wantW = new Shape(w.get(0), n[l + 1], n[l], spec.layer(l).filterSize());
            Shape wantB = new Shape(w.get(0), n[l + 1], 1);
            if (!w.equals(wantW) || !b.equals(wantB)) {
                throw new IllegalArgumentException("FlatMlp reads raw weights (C = 1): layer " + l + " expects W "
                        + wantW + " and b " + wantB + ", got " + w + " and " + b);
            }
        }
        return new Shape(weights[0].get(0), spec.parameterCount() + conditionSize);
    }

    /** The size E of the condition vector it reads after the weights, or 0 when it reads none. */
    public int getConditionSize() {
        return conditionSize;
    }

    @Override
    public String toString() {
        return "FlatMlp(P=" + spec().parameterCount() + (conditionSize > 0 ? ", E=" + conditionSize : "") + ", "
                + getHead() + ")";
    }

    /** Builds a {@link FlatMlp}: its head reads the flat parameter vector. */
    public static final class Builder extends FixedFeatureModel.Builder<Builder, FlatMlp> {
        private int conditionSize;

        Builder() {
            super("FlatMlp", FlatMlp::new);
        }

        /** Optional: read a condition vector (B, E) after the weights, appended to the flat vector; default 0, none. */
        public Builder optConditionSize(int conditionSize) {
            if (conditionSize < 0) {
                throw new IllegalArgumentException("FlatMlp condition size must be >= 0, got " + conditionSize);
            }
            this.conditionSize = conditionSize;
            return this;
        }

        @Override
        Builder self() {
            return this;
        }
    }
}
