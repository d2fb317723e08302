package dev.orbit.metanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-channel normalisation of weight-space features that commutes with neuron permutations.
 *
 * <p>For every network in the batch, every layer l and every channel c separately, it normalises
 * over the neuron axes: W_l[:, :, :, c] over all (n_l x n_{l-1}) entries, b_l[:, :, c] over all n_l
 * entries, to zero mean and unit (population) variance, then applies a learned affine map
 * {@code gamma * x + beta} with one gamma and beta per layer, tensor and channel (C_l for weights,
 * C for biases). Statistics are per network, never over the batch, so training and inference agree
 * and there are no running statistics. A permutation of any neuron axis only reorders the entries a
 * statistic is taken over, so the layer is equivariant to hidden (and even input/output)
 * permutations: it is the instance norm over neurons of NFN-style metanets (Zhou et al. 2023).
 *
 * <p>A tensor with a single neuron entry (e.g. the bias of a one-output network) has no spread to
 * normalise; it is passed through unnormalised, with the affine map only. This depends on shapes,
 * never on values, so equivariance is unaffected.
 */
public final class ChannelNorm extends AbstractBlock {

    private static final byte VERSION = 1;

    private final NetworkSpec spec;
    private final float epsilon;
    private final List<Parameter> weightGamma = new ArrayList<>();
    private final List<Parameter> weightBeta = new ArrayList<>();
    private final List<Parameter> biasGamma = new ArrayList<>();
    private final List<Parameter> biasBeta = new ArrayList<>();

    ChannelNorm(Builder builder) {
        super(VERSION);
        this.spec = builder.spec;
        this.epsilon = builder.epsilon;
        for (int l = 0; l < spec.numLayers(); l++) {
            weightGamma.add(addParameter(affine("w" + l + "_gamma", Parameter.Type.GAMMA, Initializer.ONES)));
            weightBeta.add(addParameter(affine("w" + l + "_beta", Parameter.Type.BETA, Initializer.ZEROS)));
            biasGamma.add(addParameter(affine("b" + l + "_gamma", Parameter.Type.GAMMA, Initializer.ONES)));
            biasBeta.add(addParameter(affine("b" + l + "_beta", Parameter.Type.BETA, Initializer.ZEROS)));
        }
    }

    private static Parameter affine(String name, Parameter.Type type, Initializer init) {
        return Parameter.builder().setName(name).setType(type).optInitializer(init).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = new NDList(inputs.size());
        for (int l = 0; l < spec.numLayers(); l++) {
            NDArray w = inputs.get(2 * l); // (B, n_l, n_{l-1}, C_l)
            NDArray b = inputs.get(2 * l + 1); // (B, n_l, C)
            NDArray wg = parameterStore.getValue(weightGamma.get(l), w.getDevice(), training); // (C_l)
            NDArray wb = parameterStore.getValue(weightBeta.get(l), w.getDevice(), training); // (C_l)
            NDArray bg = parameterStore.getValue(biasGamma.get(l), b.getDevice(), training); // (C)
            NDArray bb = parameterStore.getValue(biasBeta.get(l), b.getDevice(), training); // (C)
            out.add(normalise(w).mul(wg).add(wb)); // (B, n_l, n_{l-1}, C_l)
            out.add(normalise(b).mul(bg).add(bb)); // (B, n_l, C)
        }
        return out;
    }

    /** Normalises every channel over all neuron axes, per network. */
    private NDArray normalise(NDArray x) {
        Shape shape = x.getShape(); // (B, ..., C)
        long batch = shape.get(0);
        long channels = shape.get(shape.dimension() - 1);
        long entries = shape.size() / (batch * channels);
        if (entries == 1) {
            return x; // one entry per channel: nothing to normalise
        }
        NDArray flat = x.reshape(batch, entries, channels); // (B, E, C)
        NDArray mean = flat.mean(new int[] {1}, true); // (B, 1, C)
        NDArray centred = flat.sub(mean); // (B, E, C)
        NDArray variance = centred.square().mean(new int[] {1}, true); // (B, 1, C)
        return centred.div(variance.add(epsilon).sqrt()).reshape(shape); // (B, ..., C)
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        checkInputs(inputShapes);
        for (int l = 0; l < spec.numLayers(); l++) {
            Shape w = inputShapes[2 * l];
            Shape b = inputShapes[2 * l + 1];
            weightGamma.get(l).setShape(new Shape(w.get(3)));
            weightBeta.get(l).setShape(new Shape(w.get(3)));
            biasGamma.get(l).setShape(new Shape(b.get(2)));
            biasBeta.get(l).setShape(new Shape(b.get(2)));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkInputs(inputShapes);
        return inputShapes.clone();
    }

    private void checkInputs(Shape[] shapes) {
        if (shapes.length != 2 * spec.numLayers()) {
            throw new IllegalArgumentException("ChannelNorm expects " + 2 * spec.numLayers()
                    + " weight-space tensors (W_l, b_l per layer), got " + shapes.length);
        }
        int[] n = spec.neuronCounts();
        for (int l = 0; l < spec.numLayers(); l++) {
            Shape w = shapes[2 * l];
            Shape b = shapes[2 * l + 1];
            if (w.dimension() != 4 || w.get(1) != n[l + 1] || w.get(2) != n[l]
                    || b.dimension() != 3 || b.get(1) != n[l + 1]) {
                throw new IllegalArgumentException("ChannelNorm: layer " + l + " expects W (B, " + n[l + 1] + ", "
                        + n[l] + ", C_l) and b (B, " + n[l + 1] + ", C), got " + w + " and " + b);
            }
        }
    }

    @Override
    public String toString() {
        return "ChannelNorm(layers=" + spec.numLayers() + ", eps=" + epsilon + ")";
    }

    /** Builds a {@link ChannelNorm}. */
    public static final class Builder {
        private NetworkSpec spec;
        private float epsilon = 1e-5f;

        Builder() {}

        /** Required: the architecture whose features are normalised (one affine map per layer). */
        public Builder setNetworkSpec(NetworkSpec spec) {
            this.spec = spec;
            return this;
        }

        /** Optional: added to the variance before the square root; default 1e-5. */
        public Builder optEpsilon(float epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        public ChannelNorm build() {
            if (spec == null) {
                throw new IllegalArgumentException("ChannelNorm needs setNetworkSpec(spec)");
            }
            if (!(epsilon > 0f)) {
                throw new IllegalArgumentException("ChannelNorm epsilon must be positive, got " + epsilon);
            }
            return new ChannelNorm(this);
        }
    }
}
