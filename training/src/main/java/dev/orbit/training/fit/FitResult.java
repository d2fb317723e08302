package dev.orbit.training.fit;

import ai.djl.nn.Block;
import dev.orbit.training.metrics.RegressionMetrics;
import java.util.List;

/**
 * The outcome of {@link MetanetTrainer#fit}: the model with the parameters of its best validation
 * epoch, the per-epoch history (including epochs of earlier, interrupted sessions), and scores.
 *
 * @param model the fitted block, holding the best epoch's parameters
 * @param history every epoch so far, in order
 * @param bestEpoch the epoch with the highest validation Kendall tau (1-based)
 * @param validation scores of the best model on the validation split
 * @param test scores on the test split, or null when none was given
 * @param testTruth true targets of the test split, in its item order (empty when none)
 * @param testPredicted the best model's predictions for them, in the target's units
 * @param resumedFromEpoch epochs already completed when this session started (0 for a fresh fit)
 * @param stoppedEarly whether patience ran out before the last epoch
 */
public record FitResult(Block model, List<EpochRecord> history, int bestEpoch, RegressionMetrics validation,
        RegressionMetrics test, double[] testTruth, double[] testPredicted, int resumedFromEpoch, boolean stoppedEarly) {

    /** Wall-clock seconds of all epochs, across sessions. */
    public double fitSeconds() {
        return history.stream().mapToDouble(EpochRecord::epochSeconds).sum();
    }

    /** Training networks per second of training-step time, across sessions. */
    public double networksPerSecond() {
        double seconds = history.stream().mapToDouble(EpochRecord::trainSeconds).sum();
        long networks = history.stream().mapToLong(EpochRecord::trainNetworks).sum();
        return seconds > 0 ? networks / seconds : Double.NaN;
    }

    /** The data path's share of the wall-clock time of all epochs, in [0, 1]. */
    public double dataShare() {
        double seconds = fitSeconds();
        return seconds > 0 ? history.stream().mapToDouble(EpochRecord::dataSeconds).sum() / seconds : Double.NaN;
    }

    /** Epochs completed. */
    public int epochs() {
        return history.size();
    }
}
