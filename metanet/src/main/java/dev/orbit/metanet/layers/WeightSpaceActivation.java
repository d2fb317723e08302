package dev.orbit.metanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Locale;

/**
 * An elementwise non-linearity applied to every tensor of a weight-space NDList (W_0, b_0, W_1, b_1,
 * ...). Acting entry by entry, it commutes with every neuron permutation (NFN, Zhou et al. 2023, §3).
 *
 * <p>DJL's own {@code Activation} blocks call {@code singletonOrThrow} and so cannot take a
 * weight-space list; this block can. Output shapes equal input shapes.
 */
public final class WeightSpaceActivation extends AbstractBlock {

    private static final byte VERSION = 1;

    /** The elementwise functions on offer; also used by {@code MlpHead}. */
    public enum Kind {
        RELU,
        /** LeakyReLU with PyTorch's default negative slope 0.01. */
        LEAKY_RELU,
        /** GELU, as DJL's {@link Activation#gelu(NDArray)}. */
        GELU,
        TANH,
        SIGMOID,
        /** SiLU / swish with beta = 1. */
        SILU,
        SINE,
        IDENTITY;

        /** Applies the function elementwise. */
        public NDArray apply(NDArray x) {
            switch (this) {
                case RELU:
                    return Activation.relu(x);
                case LEAKY_RELU:
                    return x.maximum(x.mul(0.01f));
                case GELU:
                    return Activation.gelu(x);
                case TANH:
                    return x.tanh();
                case SIGMOID:
                    return Activation.sigmoid(x);
                case SILU:
                    return x.mul(Activation.sigmoid(x));
                case SINE:
                    return x.sin();
                default:
                    return x;
            }
        }

        /** Lower-case name used in configs and on the command line. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@link #id()} (case-insensitive); the error lists the known names. */
        public static Kind parse(String name) {
            for (Kind kind : values()) {
                if (kind.id().equalsIgnoreCase(name)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("Unknown activation '" + name
                    + "'; expected one of relu, leaky_relu, gelu, tanh, sigmoid, silu, sine, identity");
        }
    }

    private final Kind kind;

    WeightSpaceActivation(Builder builder) {
        super(VERSION);
        this.kind = builder.kind;
    }

    /** A block applying {@code kind}; shorthand for the builder. */
    public static WeightSpaceActivation of(Kind kind) {
        return builder().setKind(kind).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The function this block applies. */
    public Kind getKind() {
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
        private Kind kind;

        Builder() {}

        /** Required: the elementwise function. */
        public Builder setKind(Kind kind) {
            this.kind = kind;
            return this;
        }

        public WeightSpaceActivation build() {
            if (kind == null) {
                throw new IllegalArgumentException("WeightSpaceActivation needs setKind(...), e.g. Kind.RELU");
            }
            return new WeightSpaceActivation(this);
        }
    }
}
