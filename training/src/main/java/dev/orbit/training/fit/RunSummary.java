package dev.orbit.training.fit;

import java.nio.file.Path;

/**
 * The headline numbers of a finished prediction run (also in {@code RUN/metrics.json}).
 *
 * @param model the model name
 * @param target the predicted target
 * @param testKendallTau tau-b on the test split
 * @param testR2 R² on the test split
 * @param testRmse RMSE on the test split, in the target's units
 * @param validationKendallTau tau-b of the selected model on the validation split
 * @param epochs epochs completed
 * @param bestEpoch the selected epoch
 * @param trainSeconds wall-clock seconds of fitting, across sessions
 * @param trainNetworksPerSecond training throughput
 * @param run the run folder
 * @param report the HTML summary, or null when no report was written
 */
public record RunSummary(String model, String target, double testKendallTau, double testR2, double testRmse,
        double validationKendallTau, int epochs, int bestEpoch, double trainSeconds, double trainNetworksPerSecond,
        Path run, Path report) {}
