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
 * <p>Input: the interleaved weight-space NDList of raw weights (C = 1). Output: (B, head output).
 */
public final class FlatMlp extends FixedFeatureModel {

    FlatMlp(Builder builder) {
        super("FlatMlp", builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    NDArray features(NDList inputs) {
        return WeightSpaceFeatures.fromNDList(inputs).toFlat(spec()); // (B, P)
    }

    @Override
    Shape featureShape(Shape[] shapes) {
        checkTensorCount(shapes);
        NetworkSpec spec = spec();
        int[] n = spec.neuronCounts();
        for (int l = 0; l < spec.numLayers(); l++) {
            Shape w = shapes[2 * l];
            Shape b = shapes[2 * l + 1];
            Shape wantW = new Shape(w.get(0), n[l + 1], n[l], spec.layer(l).filterSize());
            Shape wantB = new Shape(w.get(0), n[l + 1], 1);
            if (!w.equals(wantW) || !b.equals(wantB)) {
                throw new IllegalArgumentException("FlatMlp reads raw weights (C = 1): layer " + l + " expects W "
                        + wantW + " and b " + wantB + ", got " + w + " and " + b);
            }
        }
        return new Shape(shapes[0].get(0), spec.parameterCount());
    }

    @Override
    public String toString() {
        return "FlatMlp(P=" + spec().parameterCount() + ", " + getHead() + ")";
    }

    /** Builds a {@link FlatMlp}: its head reads the flat parameter vector. */
    public static final class Builder extends FixedFeatureModel.Builder<Builder, FlatMlp> {

        Builder() {
            super("FlatMlp", FlatMlp::new);
        }

        @Override
        Builder self() {
            return this;
        }
    }
}
