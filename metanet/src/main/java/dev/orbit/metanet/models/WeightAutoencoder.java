package dev.orbit.metanet.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;

/**
 * An autoencoder of whole weight vectors, after the hyper-representations of Schürholt et al. 2022:
 * a {@link FlatMlp} encodes a network's flat parameters to a latent vector and an {@link MlpHead}
 * decodes it back; new networks are decoded from latents sampled near those of chosen zoo networks.
 * It reads the flat vector, so, like {@link FlatMlp}, it ignores weight-space symmetry: the baseline
 * the equivariant generative model is compared with.
 *
 * <p>Input: the interleaved weight-space NDList of (standardised) weights, C = 1. Output: the
 * reconstruction (B, P) and the latent (B, D).
 */
public final class WeightAutoencoder extends AbstractBlock {

    private static final byte VERSION = 1;

    private final NetworkSpec spec;
    private final int latentSize;
    private final FlatMlp encoder;
    private final MlpHead decoder;

    WeightAutoencoder(Builder builder) {
        super(VERSION);
        this.spec = builder.spec;
        this.latentSize = builder.latentSize;
        MlpHead encoderHead = MlpHead.builder().setHiddenWidth(builder.width).setDepth(builder.depth)
                .setOutputSize(latentSize).optActivation(ActivationKind.SILU).build();
        this.encoder = addChildBlock("encoder", FlatMlp.builder().setNetworkSpec(spec).setHead(encoderHead).build());
        this.decoder = addChildBlock("decoder", MlpHead.builder().setHiddenWidth(builder.width).setDepth(builder.depth)
                .setOutputSize(Math.toIntExact(spec.parameterCount())).optActivation(ActivationKind.SILU).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray latent = encoder.forward(parameterStore, inputs, training).singletonOrThrow(); // (B, D)
        NDArray reconstruction = decode(parameterStore, latent, training); // (B, P)
        return new NDList(reconstruction, latent);
    }

    /** The flat weights (B, P) a latent (B, D) decodes to. */
    public NDArray decode(ParameterStore parameterStore, NDArray latent, boolean training) {
        return decoder.forward(parameterStore, new NDList(latent), training).singletonOrThrow();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        decoder.initialize(manager, dataType, new Shape(inputShapes[0].get(0), latentSize));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long batch = inputShapes[0].get(0);
        return new Shape[] {new Shape(batch, spec.parameterCount()), new Shape(batch, latentSize)};
    }

    public int getLatentSize() {
        return latentSize;
    }

    @Override
    public String toString() {
        return "WeightAutoencoder(P=" + spec.parameterCount() + ", D=" + latentSize + ")";
    }

    /** Builds a {@link WeightAutoencoder}. */
    public static final class Builder {
        private NetworkSpec spec;
        private int latentSize = 64;
        private int width = 512;
        private int depth = 2;

        Builder() {}

        /** Required: the architecture whose weights are encoded. */
        public Builder setNetworkSpec(NetworkSpec spec) {
            this.spec = spec;
            return this;
        }

        /** Optional latent size D; default 64. */
        public Builder optLatentSize(int latentSize) {
            this.latentSize = latentSize;
            return this;
        }

        /** Optional hidden width and depth of encoder and decoder; default 512 x 2. */
        public Builder optMlp(int width, int depth) {
            this.width = width;
            this.depth = depth;
            return this;
        }

        public WeightAutoencoder build() {
            if (spec == null) {
                throw new IllegalArgumentException("WeightAutoencoder needs setNetworkSpec(spec)");
            }
            if (latentSize <= 0 || width <= 0 || depth < 0) {
                throw new IllegalArgumentException("WeightAutoencoder needs a positive latent size and width, depth >= 0");
            }
            return new WeightAutoencoder(this);
        }
    }
}
