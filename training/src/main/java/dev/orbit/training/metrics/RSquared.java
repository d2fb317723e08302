package dev.orbit.training.metrics;

/**
 * Coefficient of determination, R^2 = 1 - SS_res / SS_tot, as reported for weight-space predictors of
 * generalisation (Unterthiner et al., 2020) and as {@code sklearn.metrics.r2_score}.
 *
 * <p>This is not the squared correlation: it compares predictions with the truth directly, so it is
 * 1 for perfect predictions, 0 for always predicting the mean of the truth, and negative for anything
 * worse.
 *
 * <p>Returns {@link Double#NaN} when undefined: empty input, a constant truth (SS_tot = 0, where
 * scikit-learn would substitute 1 or 0), or any NaN value.
 */
public final class RSquared {

    private RSquared() {}

    /**
     * R^2 of predictions against the truth.
     *
     * @param truth observed values
     * @param predicted predictions, paired with {@code truth}
     * @return R^2 in (-inf, 1], or NaN when undefined
     * @throws IllegalArgumentException if the arrays differ in length
     */
    public static double of(double[] truth, double[] predicted) {
        Samples.requirePaired(truth, "truth", predicted, "predicted");
        int n = truth.length;
        if (n == 0) {
            return Double.NaN;
        }
        double mean = 0;
        for (double t : truth) {
            mean += t;
        }
        mean /= n;
        double residualSquares = 0;
        double totalSquares = 0;
        for (int i = 0; i < n; i++) {
            double residual = truth[i] - predicted[i];
            double deviation = truth[i] - mean;
            residualSquares += residual * residual;
            totalSquares += deviation * deviation;
        }
        if (totalSquares == 0) {
            return Double.NaN;
        }
        return 1 - residualSquares / totalSquares;
    }
}
