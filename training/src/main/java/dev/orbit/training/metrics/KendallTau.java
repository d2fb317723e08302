package dev.orbit.training.metrics;

/**
 * Kendall's rank correlation tau-b, the headline metric of weight-space predictors (e.g. ranking a
 * model zoo by predicted test accuracy, as in Unterthiner et al., "Predicting Neural Network Accuracy
 * from Weights", 2020).
 *
 * <p>Tau-b corrects for ties in either variable:
 *
 * <pre>
 *   tau_b = (C - D) / sqrt((n0 - n1) * (n0 - n2))
 * </pre>
 *
 * where C and D count concordant and discordant pairs, n0 = n(n-1)/2, and n1, n2 count the pairs
 * tied in x and in y. It agrees with {@code scipy.stats.kendalltau(x, y, variant="b")}.
 *
 * <p>The computation is Knight's O(n log n) algorithm (W. R. Knight, "A Computer Method for
 * Calculating Kendall's Tau with Ungrouped Data", JASA 61(314), 1966): sort by (x, y), then count the
 * exchanges a merge sort by y needs; each exchange is one discordant pair.
 *
 * <p>Values are compared numerically, so {@code -0.0} ties {@code 0.0} and infinities are ordinary
 * extremes. The result is {@link Double#NaN} exactly when tau-b is undefined: fewer than two values,
 * every x tied, every y tied, or any input NaN (as scipy's default {@code nan_policy="propagate"}).
 */
public final class KendallTau {

    private KendallTau() {}

    /**
     * Tau-b of two paired samples.
     *
     * @param x first variable, e.g. true accuracies
     * @param y second variable, e.g. predicted accuracies; same length as {@code x}
     * @return tau-b in [-1, 1], or NaN when undefined (see the class comment)
     * @throws IllegalArgumentException if the arrays differ in length
     */
    public static double tauB(double[] x, double[] y) {
        Samples.requirePaired(x, "x", y, "y");
        int n = x.length;
        if (n < 2 || Samples.containsNaN(x) || Samples.containsNaN(y)) {
            return Double.NaN;
        }
        // Adding 0.0 turns -0.0 into 0.0, so Double.compare sees them as the tie they are.
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = x[i] + 0.0;
            ys[i] = y[i] + 0.0;
        }

        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[] buffer = new int[n];
        mergeSort(order, buffer, 0, n, (a, b) -> {
            int byX = Double.compare(xs[a], xs[b]);
            return byX != 0 ? byX : Double.compare(ys[a], ys[b]);
        });
        long tiedX = tiedPairs(order, (a, b) -> xs[a] == xs[b]);
        long tiedBoth = tiedPairs(order, (a, b) -> xs[a] == xs[b] && ys[a] == ys[b]);

        // Within a run of tied x, y is already ascending, so those pairs never count as exchanges.
        long discordant = mergeSort(order, buffer, 0, n, (a, b) -> Double.compare(ys[a], ys[b]));
        long tiedY = tiedPairs(order, (a, b) -> ys[a] == ys[b]);

        long pairs = (long) n * (n - 1) / 2;
        long untiedX = pairs - tiedX;
        long untiedY = pairs - tiedY;
        if (untiedX == 0 || untiedY == 0) {
            return Double.NaN;
        }
        // C - D = (pairs tied in neither) - 2D, with inclusion-exclusion for pairs tied in both.
        long concordantMinusDiscordant = pairs - tiedX - tiedY + tiedBoth - 2 * discordant;
        double tau = concordantMinusDiscordant / Math.sqrt((double) untiedX * (double) untiedY);
        return Math.max(-1.0, Math.min(1.0, tau));
    }

    private interface IndexOrder {
        int compare(int a, int b);
    }

    private interface IndexTie {
        boolean tied(int a, int b);
    }

    /** Stable merge sort of {@code order[from, to)}; returns how many inversions it removed. */
    private static long mergeSort(int[] order, int[] buffer, int from, int to, IndexOrder cmp) {
        if (to - from < 2) {
            return 0;
        }
        int mid = (from + to) >>> 1;
        long exchanges = mergeSort(order, buffer, from, mid, cmp) + mergeSort(order, buffer, mid, to, cmp);
        int left = from;
        int right = mid;
        int out = from;
        while (left < mid && right < to) {
            if (cmp.compare(order[right], order[left]) < 0) {
                exchanges += mid - left; // order[right] jumps over every remaining left element
                buffer[out++] = order[right++];
            } else {
                buffer[out++] = order[left++];
            }
        }
        System.arraycopy(order, left, buffer, out, mid - left);
        out += mid - left;
        System.arraycopy(order, right, buffer, out, to - right);
        System.arraycopy(buffer, from, order, from, to - from);
        return exchanges;
    }

    /** Pairs within runs of consecutive tied elements of a sorted order: sum of t(t-1)/2. */
    private static long tiedPairs(int[] order, IndexTie tie) {
        long pairs = 0;
        long run = 1;
        for (int i = 1; i < order.length; i++) {
            if (tie.tied(order[i - 1], order[i])) {
                run++;
            } else {
                pairs += run * (run - 1) / 2;
                run = 1;
            }
        }
        return pairs + run * (run - 1) / 2;
    }
}
