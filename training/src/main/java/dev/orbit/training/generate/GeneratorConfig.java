package dev.orbit.training.generate;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The settings of a generative model of a zoo's weights and of its fitting: which denoiser, its size,
 * the condition's time features, and the flow-matching fit (epochs, batch, learning rate, seed, ODE
 * steps when sampling).
 *
 * @param model {@link #NFN_HNP_DIFFUSION} (the equivariant denoiser), {@link #FLAT_DIFFUSION} (the flat
 *     baseline) or {@link #AUTOENCODER} (the latent-sampling baseline)
 * @param hiddenChannels channels of the equivariant denoiser's hidden layers
 * @param flatWidth hidden width of the flat denoiser's (or the autoencoder's) MLPs
 * @param flatDepth their hidden layers
 * @param timeFeatures sinusoidal features of the flow time (even)
 * @param epochs passes over the training networks
 * @param batchSize networks per step
 * @param learningRate Adam's step size
 * @param seed initialisation, noise, times and order
 * @param samplingSteps Euler steps of the sampling ODE from t = 0 (noise) to t = 1 (weights)
 * @param validationFraction share of networks held out to report the validation loss
 * @param conditionDropout share of training networks whose target is dropped, so the model also learns
 *     the unconditional flow that classifier-free guidance needs
 */
public record GeneratorConfig(String model, int[] hiddenChannels, int flatWidth, int flatDepth, int timeFeatures,
        int epochs, int batchSize, float learningRate, long seed, int samplingSteps, double validationFraction,
        double conditionDropout) {

    /** The equivariant denoiser: an HNP {@code EquivariantNfn} with the condition injected per channel. */
    public static final String NFN_HNP_DIFFUSION = "nfn-hnp-diffusion";
    /** The flat baseline: a {@code FlatMlp} over the parameter vector and the condition. */
    public static final String FLAT_DIFFUSION = "flat-diffusion";
    /** The Schürholt-style baseline: a flat autoencoder, new networks decoded from latents sampled near chosen zoo networks'. */
    public static final String AUTOENCODER = "autoencoder";

    private static final Gson GSON = new GsonBuilder().create();

    /** Validates. */
    public GeneratorConfig {
        if (!NFN_HNP_DIFFUSION.equals(model) && !FLAT_DIFFUSION.equals(model) && !AUTOENCODER.equals(model)) {
            throw new IllegalArgumentException("Unknown --model '" + model + "'; expected " + NFN_HNP_DIFFUSION + ", "
                    + FLAT_DIFFUSION + " or " + AUTOENCODER);
        }
        hiddenChannels = hiddenChannels.clone();
        if (hiddenChannels.length == 0 || Arrays.stream(hiddenChannels).anyMatch(c -> c <= 0)) {
            throw new IllegalArgumentException("Hidden channels must be positive, got " + Arrays.toString(hiddenChannels));
        }
        if (flatWidth <= 0 || flatDepth < 0) {
            throw new IllegalArgumentException("The flat denoiser needs a positive width and depth >= 0");
        }
        if (timeFeatures <= 0 || timeFeatures % 2 != 0) {
            throw new IllegalArgumentException("Time features must be positive and even, got " + timeFeatures);
        }
        if (epochs < 1 || batchSize < 1 || samplingSteps < 1) {
            throw new IllegalArgumentException("Epochs, batch size and sampling steps must be positive");
        }
        if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
            throw new IllegalArgumentException("The learning rate must be positive, got " + learningRate);
        }
        if (!(conditionDropout >= 0 && conditionDropout < 1)) {
            throw new IllegalArgumentException("The condition dropout must be in [0, 1), got " + conditionDropout);
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("The validation fraction must be in [0, 1), got " + validationFraction);
        }
    }

    /** The defaults for a model: 3 hidden layers of 32 channels (or a 2 x 512 MLP), 16 time features, 200 epochs. */
    public static GeneratorConfig defaults(String model) {
        return new GeneratorConfig(model.toLowerCase(Locale.ROOT), new int[] {32, 32, 32}, 512, 2, 16, 200, 32, 1e-3f,
                0, 50, 0.1, 0.1);
    }

    public GeneratorConfig withEpochs(int n) {
        return new GeneratorConfig(model, hiddenChannels, flatWidth, flatDepth, timeFeatures, n, batchSize, learningRate,
                seed, samplingSteps, validationFraction, conditionDropout);
    }

    public GeneratorConfig withSeed(long s) {
        return new GeneratorConfig(model, hiddenChannels, flatWidth, flatDepth, timeFeatures, epochs, batchSize,
                learningRate, s, samplingSteps, validationFraction, conditionDropout);
    }

    public GeneratorConfig withBatchSize(int b) {
        return new GeneratorConfig(model, hiddenChannels, flatWidth, flatDepth, timeFeatures, epochs, b, learningRate,
                seed, samplingSteps, validationFraction, conditionDropout);
    }

    public GeneratorConfig withLearningRate(float lr) {
        return new GeneratorConfig(model, hiddenChannels, flatWidth, flatDepth, timeFeatures, epochs, batchSize, lr,
                seed, samplingSteps, validationFraction, conditionDropout);
    }

    public GeneratorConfig withHiddenChannels(int... channels) {
        return new GeneratorConfig(model, channels, flatWidth, flatDepth, timeFeatures, epochs, batchSize, learningRate,
                seed, samplingSteps, validationFraction, conditionDropout);
    }

    public GeneratorConfig withFlatMlp(int width, int depth) {
        return new GeneratorConfig(model, hiddenChannels, width, depth, timeFeatures, epochs, batchSize, learningRate,
                seed, samplingSteps, validationFraction, conditionDropout);
    }

    public GeneratorConfig withSamplingSteps(int steps) {
        return new GeneratorConfig(model, hiddenChannels, flatWidth, flatDepth, timeFeatures, epochs, batchSize,
                learningRate, seed, steps, validationFraction, conditionDropout);
    }

    public GeneratorConfig withConditionDropout(double share) {
        return new GeneratorConfig(model, hiddenChannels, flatWidth, flatDepth, timeFeatures, epochs, batchSize,
                learningRate, seed, samplingSteps, validationFraction, share);
    }

    /** Whether this is the autoencoder baseline rather than a flow. */
    public boolean isAutoencoder() {
        return AUTOENCODER.equals(model);
    }

    /** JSON for run folders. */
    public String toJson() {
        return GSON.toJson(this);
    }

    /** Parses {@link #toJson()}, validating. */
    public static GeneratorConfig fromJson(String json) {
        try {
            GeneratorConfig c = GSON.fromJson(json, GeneratorConfig.class);
            if (c == null || c.hiddenChannels == null) {
                throw new IllegalArgumentException("Not a generator configuration: " + json);
            }
            return new GeneratorConfig(c.model, c.hiddenChannels, c.flatWidth, c.flatDepth, c.timeFeatures, c.epochs,
                    c.batchSize, c.learningRate, c.seed, c.samplingSteps, c.validationFraction, c.conditionDropout);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("Not a generator configuration (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GeneratorConfig c && toJson().equals(c.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return toJson();
    }
}
