package dev.orbit.zoo.eval;

import dev.orbit.datasets.images.ImageDataset;

/**
 * The straight line θ(α) = (1 − α)·θ_A + α·θ_B between two networks of one architecture, scored at
 * evenly spaced α in [0, 1] (linear mode connectivity; Frankle et al. 2020, Git Re-Basin §2). Its
 * barrier is the largest rise of the loss above the chord between the endpoints (and the largest
 * drop of accuracy below its chord): zero when the path stays in one basin.
 *
 * @param alphas the points, 0 first and 1 last
 * @param loss mean test cross-entropy at each point
 * @param accuracy test accuracy at each point
 */
public record InterpolationPath(double[] alphas, double[] loss, double[] accuracy) {

    /**
     * Scores the path.
     *
     * @param runner the architecture
     * @param a θ_A, flat canonical weights
     * @param b θ_B
     * @param points how many α, at least 2
     * @param test labelled images
     * @param limit at most this many images, 0 for all
     */
    public static InterpolationPath evaluate(NetworkRunner runner, float[] a, float[] b, int points, ImageDataset test,
            int limit) {
        if (points < 2) {
            throw new IllegalArgumentException("An interpolation path needs at least 2 points, got " + points);
        }
        double[] alphas = new double[points];
        double[] loss = new double[points];
        double[] accuracy = new double[points];
        for (int p = 0; p < points; p++) {
            alphas[p] = p / (double) (points - 1);
            NetworkRunner.Score s = runner.score(interpolate(a, b, alphas[p]), test, limit);
            loss[p] = s.loss();
            accuracy[p] = s.accuracy();
        }
        return new InterpolationPath(alphas, loss, accuracy);
    }

    /** (1 − α)·a + α·b, entry by entry. */
    public static float[] interpolate(float[] a, float[] b, double alpha) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("Networks of " + a.length + " and " + b.length + " weights");
        }
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) ((1 - alpha) * a[i] + alpha * b[i]);
        }
        return out;
    }

    /** max over α of loss(α) − ((1 − α)·loss(0) + α·loss(1)); 0 when the path never rises above the chord. */
    public double lossBarrier() {
        return barrier(loss, 1);
    }

    /** max over α of ((1 − α)·acc(0) + α·acc(1)) − acc(α). */
    public double accuracyBarrier() {
        return barrier(accuracy, -1);
    }

    private double barrier(double[] values, int sign) {
        double first = values[0];
        double last = values[values.length - 1];
        double worst = 0;
        for (int p = 0; p < values.length; p++) {
            double chord = (1 - alphas[p]) * first + alphas[p] * last;
            worst = Math.max(worst, sign * (values[p] - chord));
        }
        return worst;
    }
}
