package dev.orbit.training.metrics;

/**
 * Root-mean-square error, sqrt(mean((predicted - truth)^2)), in the units of the target (e.g.
 * accuracy points when predicting a zoo member's test accuracy).
 *
 * <p>Returns {@link Double#NaN} for empty input or when any value is NaN; an infinite error is
 * reported as infinity rather than hidden.
 */
public final class Rmse {

    private Rmse() {}

    /**
     * RMSE of predictions against the truth.
     *
     * @param truth observed values
     * @param predicted predictions, paired with {@code truth}
     * @return the root-mean-square error, or NaN when undefined
     * @throws IllegalArgumentException if the arrays differ in length
     */
    public static double of(double[] truth, double[] predicted) {
        Samples.requirePaired(truth, "truth", predicted, "predicted");
        if (truth.length == 0) {
            return Double.NaN;
        }
        double sumSquares = 0;
        for (int i = 0; i < truth.length; i++) {
            double residual = predicted[i] - truth[i];
            sumSquares += residual * residual;
        }
        return Math.sqrt(sumSquares / truth.length);
    }
}
