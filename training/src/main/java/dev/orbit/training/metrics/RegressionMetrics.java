package dev.orbit.training.metrics;

/**
 * The scores a weight-space regressor is judged by, computed together from one set of predictions:
 * rank agreement ({@link KendallTau tau-b}), explained variance ({@link RSquared R^2}) and error size
 * ({@link Rmse RMSE}).
 *
 * @param count number of paired values scored
 * @param kendallTau tau-b between truth and predictions; NaN when undefined
 * @param rSquared coefficient of determination; NaN when undefined
 * @param rmse root-mean-square error; NaN when undefined
 */
public record RegressionMetrics(int count, double kendallTau, double rSquared, double rmse) {

    /**
     * Scores predictions against the truth.
     *
     * @param truth observed values
     * @param predicted predictions, paired with {@code truth}
     * @return all three metrics
     * @throws IllegalArgumentException if the arrays differ in length
     */
    public static RegressionMetrics of(double[] truth, double[] predicted) {
        Samples.requirePaired(truth, "truth", predicted, "predicted");
        return new RegressionMetrics(
                truth.length,
                KendallTau.tauB(truth, predicted),
                RSquared.of(truth, predicted),
                Rmse.of(truth, predicted));
    }
}
