package dev.orbit.metanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.SplittableRandom;

/**
 * Gaussian Fourier features of weight-space entries (Tancik et al. 2020; NFN's
 * {@code GaussianFourierFeatureTransform}): every entry's C-vector x becomes
 * {@code [sin(2π x B), cos(2π x B)]}, with a fixed random B of shape (C, M), B ~ N(0, σ²), drawn from
 * a seed. It lets later layers resolve small differences between weights.
 *
 * <p>Channels: biases go from C to 2M channels (sines first, then cosines). A convolution's weight
 * carries C * f channels (index c * f + k); the map is applied at every kernel position k on its
 * own, so the weight gets 2M * f channels arranged as c' * f + k — exactly the layout the
 * equivariant layers expect for a feature set with 2M channels. For raw weights (C = 1) this is
 * the per-scalar encoding. Acting entry by entry, it is equivariant to every neuron permutation.
 * B is not a parameter: it is recomputed from (seed, C, M, σ) and never trained.
 */
public final class FourierFeatures extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int inChannels;
    private final int mappingSize;
    private final float sigma;
    private final long seed;
    private final float[] projection; // B, (C, M) row-major

    FourierFeatures(Builder builder) {
        super(VERSION);
        this.inChannels = builder.inChannels;
        this.mappingSize = builder.mappingSize;
        this.sigma = builder.sigma;
        this.seed = builder.seed;
        SplittableRandom random = new SplittableRandom(seed);
        projection = new float[inChannels * mappingSize];
        for (int i = 0; i < projection.length; i++) {
            projection[i] = (float) (random.nextGaussian() * sigma);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Output bias channels 2M; weights get 2M times their kernel size. */
    public int getOutChannels() {
        return 2 * mappingSize;
    }

    /** A copy of the fixed projection B, (C, M) row-major. */
    public float[] getProjection() {
        return projection.clone();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray b = inputs.get(0).getManager().create(projection, new Shape(inChannels, mappingSize)); // (C, M)
        NDList out = new NDList(inputs.size());
        for (int i = 0; i < inputs.size(); i += 2) {
            NDArray w = inputs.get(i); // (B, n_l, n_{l-1}, C * f)
            Shape s = w.getShape();
            long f = s.get(3) / inChannels;
            NDArray x = w.reshape(s.get(0), s.get(1), s.get(2), inChannels, f).swapAxes(3, 4); // (B, n_l, n_{l-1}, f, C)
            NDArray enc = encode(x, b); // (B, n_l, n_{l-1}, f, 2M)
            out.add(enc.swapAxes(3, 4).reshape(s.get(0), s.get(1), s.get(2), 2L * mappingSize * f)); // (B, n_l, n_{l-1}, 2M * f)
            out.add(encode(inputs.get(i + 1), b)); // (B, n_l, 2M)
        }
        return out;
    }

    /** (..., C) -> (..., 2M): sin and cos of 2π x B. */
    private static NDArray encode(NDArray x, NDArray b) {
        NDArray phase = x.matMul(b).mul((float) (2 * Math.PI)); // (..., M)
        return NDArrays.concat(new NDList(phase.sin(), phase.cos()), -1); // (..., 2M)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (inputShapes.length == 0 || inputShapes.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "FourierFeatures expects W_l, b_l pairs, got " + inputShapes.length + " tensors");
        }
        Shape[] out = new Shape[inputShapes.length];
        for (int i = 0; i < inputShapes.length; i += 2) {
            Shape w = inputShapes[i];
            Shape b = inputShapes[i + 1];
            if (w.dimension() != 4 || w.get(3) % inChannels != 0 || b.dimension() != 3 || b.get(2) != inChannels) {
                throw new IllegalArgumentException("FourierFeatures built for C = " + inChannels
                        + " expects W (B, n, m, C * f) and b (B, n, C), got " + w + " and " + b);
            }
            out[i] = new Shape(w.get(0), w.get(1), w.get(2), 2L * mappingSize * (w.get(3) / inChannels));
            out[i + 1] = new Shape(b.get(0), b.get(1), 2L * mappingSize);
        }
        return out;
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        getOutputShapes(inputShapes); // validates
    }

    @Override
    public String toString() {
        return "FourierFeatures(C=" + inChannels + ", M=" + mappingSize + ", sigma=" + sigma + ", seed=" + seed + ")";
    }

    /** Builds a {@link FourierFeatures}. */
    public static final class Builder {
        private int inChannels = 1;
        private int mappingSize = -1;
        private float sigma = 10f;
        private long seed;

        Builder() {}

        /** Optional input channels C; default 1 (raw weights). */
        public Builder optInChannels(int inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        /** Required: number of random frequencies M; output channels are 2M. */
        public Builder setMappingSize(int mappingSize) {
            this.mappingSize = mappingSize;
            return this;
        }

        /** Optional standard deviation σ of B; default 10, NFN's default scale. */
        public Builder optSigma(float sigma) {
            this.sigma = sigma;
            return this;
        }

        /** Optional seed of B; default 0. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public FourierFeatures build() {
            if (inChannels <= 0) {
                throw new IllegalArgumentException("FourierFeatures in channels must be positive, got " + inChannels);
            }
            if (mappingSize <= 0) {
                throw new IllegalArgumentException("FourierFeatures needs setMappingSize(m) with m > 0, got " + mappingSize);
            }
            if (!(sigma > 0f)) {
                throw new IllegalArgumentException("FourierFeatures sigma must be positive, got " + sigma);
            }
            return new FourierFeatures(this);
        }
    }
}
