package dev.orbit.metanet.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.NetworkSpec;

/**
 * The StatNN baseline (Unterthiner et al. 2020, "Predicting Neural Network Accuracy from Weights"):
 * per layer the mean, variance and quantiles 0/25/50/75/100 of the weights and of the biases,
 * followed by an {@link MlpHead}. Every statistic is a symmetric function of a layer's entries, so
 * the model is invariant to all neuron permutations by construction (docs/DESIGN.md §3).
 *
 * <p>Input: the interleaved weight-space NDList (W_l (B, n_l, n_{l-1}, C * f_l), b_l (B, n_l, C)),
 * normally raw weights (C = 1). Output: (B, head output). The statistics alone are
 * {@link #statistics(NDList, boolean)}, e.g. for a gradient-boosted regressor.
 */
public final class StatNn extends FixedFeatureModel {

    /** Statistics per tensor and channel: mean, variance, quantiles 0, 25, 50, 75, 100. */
    public static final int STATS_PER_TENSOR = 7;

    private static final double[] QUANTILES = {0.0, 0.25, 0.5, 0.75, 1.0};

    private final boolean unbiasedVariance;

    StatNn(Builder builder) {
        super("StatNn", builder);
        this.unbiasedVariance = builder.unbiasedVariance;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Length of the statistics vector: 14 per layer and channel, {@code 14 * L * C}. */
    public static int featureCount(NetworkSpec spec, int channels) {
        return 2 * STATS_PER_TENSOR * spec.numLayers() * channels;
    }

    /** {@link #statistics(NDList, boolean)} with the population variance (NumPy's default, as the paper). */
    public static NDArray statistics(NDList features) {
        return statistics(features, false);
    }

    /**
     * The StatNN featurizer: (B, 14 * L * C). Order: for each layer, the weight statistics then the
     * bias statistics; within a tensor, channel-major, [mean, var, q0, q25, q50, q75, q100] per
     * channel. A convolution's kernel positions count as entries of their channel (statistics of the
     * whole kernel tensor). Quantiles interpolate linearly between order statistics (NumPy's
     * default); with {@code unbiased} the variance divides by N - 1 (NFN's {@code StatFeaturizer}),
     * and is 0 for a single entry.
     *
     * @param features the interleaved list W_0, b_0, W_1, b_1, ...
     */
    public static NDArray statistics(NDList features, boolean unbiased) {
        if (features.isEmpty() || features.size() % 2 != 0) {
            throw new IllegalArgumentException(
                    "StatNn expects weight-space tensors W_l, b_l in pairs, got " + features.size());
        }
        long channels = features.get(1).getShape().get(2);
        NDList parts = new NDList(features.size());
        for (int i = 0; i < features.size(); i += 2) {
            NDArray w = features.get(i); // (B, n_l, n_{l-1}, C * f)
            NDArray b = features.get(i + 1); // (B, n_l, C)
            Shape s = w.getShape();
            if (s.dimension() != 4 || s.get(3) % channels != 0) {
                throw new IllegalArgumentException("StatNn: weight " + i / 2 + " must be (B, n, m, " + channels
                        + " * kernel), got " + s);
            }
            long f = s.get(3) / channels;
            NDArray wEntries = w.reshape(s.get(0), s.get(1) * s.get(2), channels, f) // (B, n m, C, f)
                    .transpose(0, 2, 1, 3) // (B, C, n m, f)
                    .reshape(s.get(0), channels, -1); // (B, C, n m f)
            NDArray bEntries = b.transpose(0, 2, 1); // (B, C, n)
            parts.add(tensorStatistics(wEntries, unbiased)); // (B, 7 C)
            parts.add(tensorStatistics(bEntries, unbiased)); // (B, 7 C)
        }
        return NDArrays.concat(parts, 1); // (B, 14 L C)
    }

    /** (B, C, N) -> (B, 7 C): mean, variance and quantiles over the last axis. */
    private static NDArray tensorStatistics(NDArray x, boolean unbiased) {
        long batch = x.getShape().get(0);
        long n = x.getShape().get(2);
        NDArray mean = x.mean(new int[] {2}); // (B, C)
        NDArray squares = x.sub(mean.expandDims(2)).square().sum(new int[] {2}); // (B, C)
        long dof = unbiased ? n - 1 : n;
        NDArray variance = dof > 0 ? squares.div((float) dof) : squares.mul(0f); // (B, C)
        NDArray sorted = x.sort(2); // (B, C, N)
        NDList stats = new NDList(mean, variance);
        for (double q : QUANTILES) {
            double position = q * (n - 1);
            long lo = (long) Math.floor(position);
            long hi = Math.min(lo + 1, n - 1);
            float frac = (float) (position - lo);
            NDArray low = sorted.get(new NDIndex(":, :, {}", lo)); // (B, C)
            stats.add(frac == 0f ? low : low.add(sorted.get(new NDIndex(":, :, {}", hi)).sub(low).mul(frac))); // (B, C)
        }
        return NDArrays.stack(stats, 2).reshape(batch, -1); // (B, C, 7) -> (B, 7 C)
    }

    @Override
    NDArray features(NDList inputs) {
        return statistics(inputs, unbiasedVariance); // (B, 14 L C)
    }

    @Override
    Shape featureShape(Shape[] shapes) {
        checkTensorCount(shapes);
        return statisticsShape(spec(), shapes);
    }

    /** (B, 14 L C): the shape of {@link #statistics} for weight-space inputs of {@code shapes}. */
    static Shape statisticsShape(NetworkSpec spec, Shape[] shapes) {
        long channels = shapes[1].get(shapes[1].dimension() - 1); // b_0: (B, n_1, C)
        return new Shape(shapes[0].get(0), featureCount(spec, Math.toIntExact(channels)));
    }

    @Override
    public String toString() {
        return "StatNn(layers=" + spec().numLayers() + ", " + getHead() + ")";
    }

    /** Builds a {@link StatNn}: its head reads the statistics. */
    public static final class Builder extends FixedFeatureModel.Builder<Builder, StatNn> {
        private boolean unbiasedVariance;

        Builder() {
            super("StatNn", StatNn::new);
        }

        /** Optional: divide the variance by N - 1 as NFN does; default false (N, as the paper). */
        public Builder optUnbiasedVariance(boolean unbiasedVariance) {
            this.unbiasedVariance = unbiasedVariance;
            return this;
        }

        @Override
        Builder self() {
            return this;
        }
    }
}
