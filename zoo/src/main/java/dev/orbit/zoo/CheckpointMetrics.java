package dev.orbit.zoo;

/**
 * What a zoo records about one checkpoint of one network.
 *
 * @param trainAccuracy accuracy on the training set the network saw
 * @param trainLoss mean cross-entropy on it
 * @param testAccuracy accuracy on the held-out test set
 * @param testLoss mean cross-entropy on it
 * @param diverged true when the loss or weights became non-finite; such networks are kept and flagged
 */
public record CheckpointMetrics(
        double trainAccuracy, double trainLoss, double testAccuracy, double testLoss, boolean diverged) {

    /** Generalization gap: train accuracy minus test accuracy. */
    public double generalizationGap() {
        return trainAccuracy - testAccuracy;
    }
}
