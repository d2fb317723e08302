package dev.orbit.metanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.orbit.metanet.space.NetworkSpec;

/**
 * NFN's learned input/output embedding (Zhou et al. 2023, the {@code io_embed} of NPLinear): adds a
 * learned vector per input neuron to the first layer's weights and per output neuron to the last
 * layer's weights and bias.
 *
 * <p>Concretely {@code W_0[:, i, j, :] += in[j]} (in: (n_0, C_0)), {@code W_{L-1}[:, i, j, :] +=
 * out[i]} (out: (n_L, C_{L-1})) and {@code b_{L-1}[:, i, :] += outBias[i]} (outBias: (n_L, C)), where
 * C_l = C * f_l are the weight channels (for a convolution each folded kernel position has its own
 * embedding, as in NFN). This deliberately breaks the permutation symmetry of the input and output
 * neurons, whose order carries meaning, so that NP layers (which treat every neuron as permutable)
 * can be used in HNP settings. Hidden neurons are untouched: the layer stays equivariant to hidden
 * permutations. Embeddings start as N(0, 1), as in NFN.
 */
public final class IoEmbedding extends AbstractBlock {

    private static final byte VERSION = 1;

    private final NetworkSpec spec;
    private final Parameter inEmbedding;
    private final Parameter outEmbedding;
    private final Parameter outBiasEmbedding;

    IoEmbedding(Builder builder) {
        super(VERSION);
        this.spec = builder.spec;
        inEmbedding = addParameter(embedding("in_embedding"));
        outEmbedding = addParameter(embedding("out_embedding"));
        outBiasEmbedding = addParameter(embedding("out_bias_embedding"));
    }

    private static Parameter embedding(String name) {
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.OTHER)
                .optInitializer(new NormalInitializer(1f))
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        // Broadcasting aligns trailing axes, so only the output embedding needs a reshape; every
        // array derived here is owned by the inputs' manager (one derived from a parameter would
        // otherwise join the model's manager and stay there for good, a leak per step).
        int last = spec.numLayers() - 1;
        NDList out = new NDList(inputs);
        NDArray w0 = inputs.get(0); // (B, n_1, n_0, C_0)
        NDArray in = parameterStore.getValue(inEmbedding, w0.getDevice(), training); // (n_0, C_0)
        out.set(0, w0.add(in)); // (B, n_1, n_0, C_0) + (n_0, C_0)
        NDArray wl = out.get(2 * last); // (B, n_L, n_{L-1}, C_{L-1})
        NDArray o = parameterStore.getValue(outEmbedding, wl.getDevice(), training); // (n_L, C_{L-1})
        Shape os = o.getShape();
        o = o.reshape(os.get(0), 1, os.get(1)); // (n_L, 1, C_{L-1}), a view
        o.attach(wl.getManager());
        out.set(2 * last, wl.add(o)); // (B, n_L, n_{L-1}, C_{L-1})
        NDArray bl = inputs.get(2 * last + 1); // (B, n_L, C)
        NDArray ob = parameterStore.getValue(outBiasEmbedding, bl.getDevice(), training); // (n_L, C)
        out.set(2 * last + 1, bl.add(ob)); // (B, n_L, C) + (n_L, C)
        return out;
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        checkInputs(inputShapes);
        int last = spec.numLayers() - 1;
        Shape w0 = inputShapes[0];
        Shape wl = inputShapes[2 * last];
        Shape bl = inputShapes[2 * last + 1];
        inEmbedding.setShape(new Shape(w0.get(2), w0.get(3)));
        outEmbedding.setShape(new Shape(wl.get(1), wl.get(3)));
        outBiasEmbedding.setShape(new Shape(bl.get(1), bl.get(2)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkInputs(inputShapes);
        return inputShapes.clone();
    }

    private void checkInputs(Shape[] shapes) {
        if (shapes.length != 2 * spec.numLayers()) {
            throw new IllegalArgumentException("IoEmbedding expects " + 2 * spec.numLayers()
                    + " weight-space tensors (W_l, b_l per layer), got " + shapes.length);
        }
        int[] n = spec.neuronCounts();
        for (int l = 0; l < spec.numLayers(); l++) {
            Shape w = shapes[2 * l];
            Shape b = shapes[2 * l + 1];
            if (w.dimension() != 4 || w.get(1) != n[l + 1] || w.get(2) != n[l]
                    || b.dimension() != 3 || b.get(1) != n[l + 1]) {
                throw new IllegalArgumentException("IoEmbedding: layer " + l + " expects W (B, " + n[l + 1] + ", "
                        + n[l] + ", C_l) and b (B, " + n[l + 1] + ", C), got " + w + " and " + b);
            }
        }
    }

    @Override
    public String toString() {
        return "IoEmbedding(in=" + spec.neuronCounts()[0] + ", out=" + spec.neuronCounts()[spec.numLayers()] + ")";
    }

    /** Builds an {@link IoEmbedding}. */
    public static final class Builder {
        private NetworkSpec spec;

        Builder() {}

        /** Required: the architecture (input and output neuron counts). */
        public Builder setNetworkSpec(NetworkSpec spec) {
            this.spec = spec;
            return this;
        }

        public IoEmbedding build() {
            if (spec == null) {
                throw new IllegalArgumentException("IoEmbedding needs setNetworkSpec(spec)");
            }
            return new IoEmbedding(this);
        }
    }
}
