package dev.orbit.metanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The pointwise-only ablation of an NP layer (NFN, Zhou et al. 2023): for each layer l a learned
 * channel mix applied to every entry on its own, {@code W'_l[i, j] = A_l W_l[i, j] + a_l} and
 * {@code b'_l[i] = B_l b_l[i] + β_l}, with no pooled terms.
 *
 * <p>It is the "pointwise" term of {@code NpLinear} alone: equivariant to every neuron permutation,
 * but no entry sees any other. For a convolution the kernel is part of the channel axis, so A_l maps
 * C_in * f_l channels to C_out * f_l (NFN's 1x1 convolution over folded channels) and the output keeps
 * the layout c * f_l + k. Input channels C_in are read from the input shapes.
 */
public final class PointwiseLinear extends AbstractBlock {

    private static final byte VERSION = 1;

    private final NetworkSpec spec;
    private final int outChannels;
    private final List<Parameter> weightMix = new ArrayList<>();
    private final List<Parameter> weightShift = new ArrayList<>();
    private final List<Parameter> biasMix = new ArrayList<>();
    private final List<Parameter> biasShift = new ArrayList<>();

    PointwiseLinear(Builder builder) {
        super(VERSION);
        this.spec = builder.spec;
        this.outChannels = builder.outChannels;
        for (int l = 0; l < spec.numLayers(); l++) {
            weightMix.add(addParameter(param("w" + l + "_weight", Parameter.Type.WEIGHT, new XavierInitializer())));
            weightShift.add(addParameter(param("w" + l + "_bias", Parameter.Type.BIAS, Initializer.ZEROS)));
            biasMix.add(addParameter(param("b" + l + "_weight", Parameter.Type.WEIGHT, new XavierInitializer())));
            biasShift.add(addParameter(param("b" + l + "_bias", Parameter.Type.BIAS, Initializer.ZEROS)));
        }
    }

    private static Parameter param(String name, Parameter.Type type, Initializer init) {
        return Parameter.builder().setName(name).setType(type).optInitializer(init).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int getOutChannels() {
        return outChannels;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = new NDList(inputs.size());
        for (int l = 0; l < spec.numLayers(); l++) {
            NDArray w = inputs.get(2 * l); // (B, n_l, n_{l-1}, C_in * f_l)
            NDArray b = inputs.get(2 * l + 1); // (B, n_l, C_in)
            NDArray a = parameterStore.getValue(weightMix.get(l), w.getDevice(), training); // (C_out f_l, C_in f_l)
            NDArray alpha = parameterStore.getValue(weightShift.get(l), w.getDevice(), training); // (C_out f_l)
            NDArray m = parameterStore.getValue(biasMix.get(l), b.getDevice(), training); // (C_out, C_in)
            NDArray beta = parameterStore.getValue(biasShift.get(l), b.getDevice(), training); // (C_out)
            out.add(Linear.linear(w, a, alpha).singletonOrThrow()); // (B, n_l, n_{l-1}, C_out * f_l)
            out.add(Linear.linear(b, m, beta).singletonOrThrow()); // (B, n_l, C_out)
        }
        return out;
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        long inChannels = checkInputs(inputShapes);
        for (int l = 0; l < spec.numLayers(); l++) {
            long f = spec.layer(l).filterSize();
            weightMix.get(l).setShape(new Shape(outChannels * f, inChannels * f));
            weightShift.get(l).setShape(new Shape(outChannels * f));
            biasMix.get(l).setShape(new Shape(outChannels, inChannels));
            biasShift.get(l).setShape(new Shape(outChannels));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkInputs(inputShapes);
        Shape[] out = new Shape[inputShapes.length];
        for (int l = 0; l < spec.numLayers(); l++) {
            Shape w = inputShapes[2 * l];
            Shape b = inputShapes[2 * l + 1];
            out[2 * l] = new Shape(w.get(0), w.get(1), w.get(2), (long) outChannels * spec.layer(l).filterSize());
            out[2 * l + 1] = new Shape(b.get(0), b.get(1), outChannels);
        }
        return out;
    }

    /** Validates the input layout against the spec and returns C_in. */
    private long checkInputs(Shape[] shapes) {
        if (shapes.length != 2 * spec.numLayers()) {
            throw new IllegalArgumentException("PointwiseLinear expects " + 2 * spec.numLayers()
                    + " weight-space tensors (W_l, b_l per layer), got " + shapes.length);
        }
        int[] n = spec.neuronCounts();
        long inChannels = shapes[1].get(shapes[1].dimension() - 1);
        for (int l = 0; l < spec.numLayers(); l++) {
            Shape w = shapes[2 * l];
            Shape b = shapes[2 * l + 1];
            long f = spec.layer(l).filterSize();
            if (w.dimension() != 4 || w.get(1) != n[l + 1] || w.get(2) != n[l] || w.get(3) != inChannels * f
                    || b.dimension() != 3 || b.get(1) != n[l + 1] || b.get(2) != inChannels) {
                throw new IllegalArgumentException("PointwiseLinear: layer " + l + " expects W (B, " + n[l + 1] + ", "
                        + n[l] + ", " + inChannels * f + ") and b (B, " + n[l + 1] + ", " + inChannels + "), got "
                        + w + " and " + b);
            }
        }
        return inChannels;
    }

    @Override
    public String toString() {
        return "PointwiseLinear(layers=" + spec.numLayers() + ", out=" + outChannels + ")";
    }

    /** Builds a {@link PointwiseLinear}. */
    public static final class Builder {
        private NetworkSpec spec;
        private int outChannels = -1;

        Builder() {}

        /** Required: the architecture (layer count and kernel sizes). */
        public Builder setNetworkSpec(NetworkSpec spec) {
            this.spec = spec;
            return this;
        }

        /** Required: output channels C_out (weights get C_out * f_l). */
        public Builder setOutChannels(int outChannels) {
            this.outChannels = outChannels;
            return this;
        }

        public PointwiseLinear build() {
            if (spec == null) {
                throw new IllegalArgumentException("PointwiseLinear needs setNetworkSpec(spec)");
            }
            if (outChannels <= 0) {
                throw new IllegalArgumentException("PointwiseLinear needs setOutChannels(c) with c > 0, got " + outChannels);
            }
            return new PointwiseLinear(this);
        }
    }
}
