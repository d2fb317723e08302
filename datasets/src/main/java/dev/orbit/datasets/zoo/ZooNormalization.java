package dev.orbit.datasets.zoo;

import ai.djl.ndarray.NDArray;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-layer normalisation of a zoo's weights and of its target, fitted on the training split only:
 * layer l's weights are mapped to (w - mean_W_l) / std_W_l and its biases to
 * (b - mean_b_l) / std_b_l, one scalar pair per tensor (so a neuron permutation commutes with it),
 * and the target to (y - mean_y) / std_y.
 *
 * <p>Layers of a zoo differ in scale by orders of magnitude (first-layer kernels versus the logit
 * layer); without this a metanet's first layer sees mostly one tensor. Serialised as versioned JSON
 * next to a trained metanet so prediction applies the same map.
 *
 * <p>NFN's own predictors differ: its HNP predictor reads raw weights, its NP predictor
 * standardises every entry position separately (not permutation-invariant in general). One pair
 * per tensor is exactly invariant. Which models read standardised weights by default is the
 * training module's choice ({@code MetanetFactory.readsStandardisedWeights}); the others get
 * {@link #withRawWeights()}.
 */
public final class ZooNormalization {

    /** JSON format version written by {@link #toJson()}. */
    public static final int VERSION = 1;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();
    private static final double MIN_STD = 1e-8;

    private final int version;
    private final String target;
    private final double[] weightMean;
    private final double[] weightStd;
    private final double[] biasMean;
    private final double[] biasStd;
    private final double targetMean;
    private final double targetStd;
    private final int trainNetworks;

    private ZooNormalization(String target, double[] weightMean, double[] weightStd, double[] biasMean, double[] biasStd,
            double targetMean, double targetStd, int trainNetworks) {
        this.version = VERSION;
        this.target = target;
        this.weightMean = weightMean;
        this.weightStd = weightStd;
        this.biasMean = biasMean;
        this.biasStd = biasStd;
        this.targetMean = targetMean;
        this.targetStd = targetStd;
        this.trainNetworks = trainNetworks;
    }

    /**
     * Fits the statistics on the given rows (the training split), streaming one network at a time.
     *
     * @param source the zoo
     * @param trainRows rows to fit on; no other row is read
     * @param target the target to standardise, one of the source's target names
     */
    public static ZooNormalization fit(ModelZooSource source, int[] trainRows, String target) throws IOException {
        if (trainRows.length == 0) {
            throw new IllegalArgumentException("Normalisation statistics need at least one training network");
        }
        NetworkSpec spec = source.spec();
        int layers = spec.numLayers();
        double[] wSum = new double[layers];
        double[] wSq = new double[layers];
        double[] bSum = new double[layers];
        double[] bSq = new double[layers];
        double ySum = 0;
        double ySq = 0;
        for (int row : trainRows) {
            float[] flat = source.weights(row);
            int pos = 0;
            for (int l = 0; l < layers; l++) {
                LayerSpec layer = spec.layer(l);
                int wn = (int) layer.weightCount();
                for (int i = 0; i < wn; i++) {
                    double v = flat[pos++];
                    wSum[l] += v;
                    wSq[l] += v * v;
                }
                for (int i = 0; i < layer.outNeurons(); i++) {
                    double v = flat[pos++];
                    bSum[l] += v;
                    bSq[l] += v * v;
                }
            }
            double y = source.target(row, target);
            ySum += y;
            ySq += y * y;
        }
        double[] wMean = new double[layers];
        double[] wStd = new double[layers];
        double[] bMean = new double[layers];
        double[] bStd = new double[layers];
        for (int l = 0; l < layers; l++) {
            double wn = (double) spec.layer(l).weightCount() * trainRows.length;
            double bn = (double) spec.layer(l).outNeurons() * trainRows.length;
            wMean[l] = wSum[l] / wn;
            wStd[l] = std(wSq[l] / wn - wMean[l] * wMean[l]);
            bMean[l] = bSum[l] / bn;
            bStd[l] = std(bSq[l] / bn - bMean[l] * bMean[l]);
        }
        double yMean = ySum / trainRows.length;
        return new ZooNormalization(target, wMean, wStd, bMean, bStd, yMean,
                std(ySq / trainRows.length - yMean * yMean), trainRows.length);
    }

    /** Statistics that change nothing (means 0, stds 1), for runs without normalisation. */
    public static ZooNormalization identity(NetworkSpec spec, String target) {
        int l = spec.numLayers();
        return new ZooNormalization(target, new double[l], ones(l), new double[l], ones(l), 0, 1, 0);
    }

    /** These statistics with the weights left raw (means 0, stds 1) and the target still standardised. */
    public ZooNormalization withRawWeights() {
        int l = weightMean.length;
        return new ZooNormalization(target, new double[l], ones(l), new double[l], ones(l), targetMean, targetStd,
                trainNetworks);
    }

    /** These statistics with the target left raw (mean 0, std 1), e.g. for a sigmoid output. */
    public ZooNormalization withRawTarget() {
        return new ZooNormalization(target, weightMean, weightStd, biasMean, biasStd, 0, 1, trainNetworks);
    }

    /** Unit standard deviations for {@code layers} layers: the statistics that leave weights raw. */
    private static double[] ones(int layers) {
        double[] ones = new double[layers];
        java.util.Arrays.fill(ones, 1.0);
        return ones;
    }

    private static double std(double variance) {
        double s = Math.sqrt(Math.max(variance, 0));
        return s < MIN_STD ? 1.0 : s;
    }

    /**
     * Normalises a batch of raw weights on the engine: each layer's weight tensor
     * (B, n_l, n_{l-1}, C_l) maps to (w - mean_W_l) * (1 / std_W_l) and its biases (B, n_l, C)
     * likewise, in float32 with the mean and reciprocal rounded to float once.
     *
     * @return new features on the batch's manager (the same tensors where the map is the identity)
     */
    public WeightSpaceFeatures normalize(WeightSpaceFeatures raw) {
        if (raw.numLayers() != weightMean.length) {
            throw new IllegalArgumentException("These statistics are for " + weightMean.length + " layers, the features have "
                    + raw.numLayers());
        }
        List<NDArray> w = new ArrayList<>(weightMean.length);
        List<NDArray> b = new ArrayList<>(weightMean.length);
        for (int l = 0; l < weightMean.length; l++) {
            w.add(standardise(raw.weight(l), weightMean[l], weightStd[l]));
            b.add(standardise(raw.bias(l), biasMean[l], biasStd[l]));
        }
        return WeightSpaceFeatures.of(w, b);
    }

    private static NDArray standardise(NDArray x, double mean, double std) {
        float m = (float) mean;
        float inv = (float) (1.0 / std);
        if (m == 0f && inv == 1f) {
            return x; // raw weights (withRawWeights, identity): nothing to compute
        }
        return x.sub(m).mul(inv);
    }

    /**
     * The inverse of {@link #normalize}: each layer's standardised weights z map back to
     * z * std_W_l + mean_W_l, its biases likewise (e.g. weights a generative model produced in the
     * normalised space).
     *
     * @return new features on the batch's manager (the same tensors where the map is the identity)
     */
    public WeightSpaceFeatures denormalize(WeightSpaceFeatures standardised) {
        if (standardised.numLayers() != weightMean.length) {
            throw new IllegalArgumentException("These statistics are for " + weightMean.length + " layers, the features have "
                    + standardised.numLayers());
        }
        List<NDArray> w = new ArrayList<>(weightMean.length);
        List<NDArray> b = new ArrayList<>(weightMean.length);
        for (int l = 0; l < weightMean.length; l++) {
            w.add(unstandardise(standardised.weight(l), weightMean[l], weightStd[l]));
            b.add(unstandardise(standardised.bias(l), biasMean[l], biasStd[l]));
        }
        return WeightSpaceFeatures.of(w, b);
    }

    private static NDArray unstandardise(NDArray z, double mean, double std) {
        float m = (float) mean;
        float s = (float) std;
        if (m == 0f && s == 1f) {
            return z;
        }
        return z.mul(s).add(m);
    }

    /** (y - mean) / std. */
    public double normalizeTarget(double y) {
        return (y - targetMean) / targetStd;
    }

    /** The inverse of {@link #normalizeTarget}. */
    public double denormalizeTarget(double z) {
        return z * targetStd + targetMean;
    }

    /** The target these statistics standardise. */
    public String target() {
        return target;
    }

    public double weightMean(int layer) {
        return weightMean[layer];
    }

    public double weightStd(int layer) {
        return weightStd[layer];
    }

    public double biasMean(int layer) {
        return biasMean[layer];
    }

    public double biasStd(int layer) {
        return biasStd[layer];
    }

    public double targetMean() {
        return targetMean;
    }

    public double targetStd() {
        return targetStd;
    }

    /** Networks the statistics were fitted on (0 for {@link #identity}). */
    public int trainNetworks() {
        return trainNetworks;
    }

    /** Versioned JSON. */
    public String toJson() {
        return GSON.toJson(this);
    }

    /** Parses {@link #toJson()}; an unknown version or a missing field is reported. */
    public static ZooNormalization fromJson(String json) {
        ZooNormalization n;
        try {
            n = GSON.fromJson(json, ZooNormalization.class);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("Not normalisation statistics JSON: " + e.getMessage(), e);
        }
        if (n == null || n.weightMean == null || n.weightStd == null || n.biasMean == null || n.biasStd == null) {
            throw new IllegalArgumentException("Normalisation statistics JSON lacks per-layer means and stds");
        }
        if (n.version != VERSION) {
            throw new IllegalArgumentException("Normalisation statistics have version " + n.version + "; this Orbit reads "
                    + VERSION);
        }
        return n;
    }

    /** Writes {@link #toJson()} to a file. */
    public void write(Path file) throws IOException {
        Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    }

    /** Reads a file written by {@link #write}. */
    public static ZooNormalization read(Path file) throws IOException {
        return fromJson(Files.readString(file, StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZooNormalization n && java.util.Objects.equals(target, n.target)
                && java.util.Arrays.equals(weightMean, n.weightMean) && java.util.Arrays.equals(weightStd, n.weightStd)
                && java.util.Arrays.equals(biasMean, n.biasMean) && java.util.Arrays.equals(biasStd, n.biasStd)
                && targetMean == n.targetMean && targetStd == n.targetStd;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(weightMean) * 31 + Double.hashCode(targetMean);
    }
}
