package dev.orbit.training.fit;

/**
 * How a metanet is fitted: Adam on the mean squared error of the normalised target, in
 * mini-batches, with early stopping on validation Kendall tau.
 *
 * @param epochs maximum passes over the training split
 * @param batchSize networks per step (NFN uses 8)
 * @param learningRate Adam step size (NFN uses 1e-3)
 * @param seed drives initialisation, shuffling, dropout and augmentation
 * @param patience epochs without a better validation tau before stopping; 0 never stops early
 */
public record FitConfig(int epochs, int batchSize, float learningRate, long seed, int patience) {

    public FitConfig {
        if (epochs <= 0) {
            throw new IllegalArgumentException("Epochs must be positive, got " + epochs);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("Batch size must be positive, got " + batchSize);
        }
        if (!(learningRate > 0f) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("Learning rate must be positive, got " + learningRate);
        }
        if (patience < 0) {
            throw new IllegalArgumentException("Patience must be non-negative, got " + patience);
        }
    }

    /** NFN's settings: batch 8, learning rate 1e-3; 50 epochs with patience 10. */
    public static FitConfig defaults() {
        return new FitConfig(50, 8, 1e-3f, 0, 10);
    }

    public FitConfig withEpochs(int n) {
        return new FitConfig(n, batchSize, learningRate, seed, patience);
    }

    public FitConfig withBatchSize(int n) {
        return new FitConfig(epochs, n, learningRate, seed, patience);
    }

    public FitConfig withLearningRate(float lr) {
        return new FitConfig(epochs, batchSize, lr, seed, patience);
    }

    public FitConfig withSeed(long s) {
        return new FitConfig(epochs, batchSize, learningRate, s, patience);
    }

    public FitConfig withPatience(int p) {
        return new FitConfig(epochs, batchSize, learningRate, seed, p);
    }
}
