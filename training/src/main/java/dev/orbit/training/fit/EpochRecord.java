package dev.orbit.training.fit;

/**
 * What one epoch of fitting measured.
 *
 * @param epoch 1-based epoch number
 * @param trainLoss mean squared error on the normalised target over the epoch's steps
 * @param validationLoss the same on the validation split (model in inference mode)
 * @param validationTau Kendall tau-b between predicted and true targets on the validation split
 * @param validationRmse RMSE on the validation split, in the target's units
 * @param trainSeconds seconds spent in training steps (evaluation and checkpointing excluded)
 * @param epochSeconds wall-clock seconds of the whole epoch
 * @param trainNetworks networks seen in training steps
 * @param dataSeconds seconds spent building batches (reading, augmenting, normalising, moving to the
 *     engine) for training and validation; part of {@code epochSeconds}, and of {@code trainSeconds}
 *     for the training batches
 */
public record EpochRecord(int epoch, double trainLoss, double validationLoss, double validationTau, double validationRmse,
        double trainSeconds, double epochSeconds, long trainNetworks, double dataSeconds) {

    /** Training throughput this epoch. */
    public double networksPerSecond() {
        return trainSeconds > 0 ? trainNetworks / trainSeconds : Double.NaN;
    }

    /** The data path's share of the epoch's wall-clock time, in [0, 1]. */
    public double dataShare() {
        return epochSeconds > 0 ? dataSeconds / epochSeconds : Double.NaN;
    }
}
