package dev.orbit.metanet.symmetry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The assignment solver against brute force over every permutation of small random matrices. */
class LinearAssignmentTest {

    @Test
    void matchesBruteForceOnRandomMatrices() {
        Random random = new Random(1);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + random.nextInt(7);
            double[][] cost = new double[n][n];
            for (double[] row : cost) {
                for (int j = 0; j < n; j++) {
                    // integers make ties common, so ties are exercised too
                    row[j] = trial % 2 == 0 ? random.nextGaussian() : random.nextInt(5) - 2;
                }
            }
            int[] solution = LinearAssignment.minimize(cost);
            assertIsPermutation(solution, n);
            double best = bruteForceMinimum(cost);
            // sums of at most 7 terms: rounding far below 1e-9
            assertEquals(best, LinearAssignment.total(cost, solution), 1e-9, "trial " + trial + " n=" + n);
            double[][] score = negate(cost);
            assertEquals(-best, LinearAssignment.total(score, LinearAssignment.maximize(score)), 1e-9);
        }
    }

    @Test
    void recoversAHiddenPermutationFromADiagonalScore() {
        Random random = new Random(2);
        int n = 200;
        int[] hidden = shuffled(n, random);
        double[][] score = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                score[i][j] = 0.1 * random.nextGaussian();
            }
            score[i][hidden[i]] += 10;
        }
        assertArrayEquals(hidden, LinearAssignment.maximize(score));
    }

    @Test
    void greedyIsNotEnough() {
        // Negative control for the test above: the greedy row-by-row choice (row 0 takes column 0)
        // costs 1 + 100, the optimum 2 + 2.
        double[][] cost = {{1, 2}, {2, 100}};
        assertArrayEquals(new int[] {1, 0}, LinearAssignment.minimize(cost));
    }

    @Test
    void refusesNonSquareAndNonFinite() {
        assertThrows(IllegalArgumentException.class, () -> LinearAssignment.minimize(new double[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class,
                () -> LinearAssignment.minimize(new double[][] {{1, Double.NaN}, {0, 1}}));
        assertEquals(0, LinearAssignment.minimize(new double[0][0]).length);
    }

    private static double bruteForceMinimum(double[][] cost) {
        int n = cost.length;
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        double best = Double.POSITIVE_INFINITY;
        do {
            best = Math.min(best, LinearAssignment.total(cost, p));
        } while (nextPermutation(p));
        return best;
    }

    private static boolean nextPermutation(int[] p) {
        int i = p.length - 2;
        while (i >= 0 && p[i] >= p[i + 1]) {
            i--;
        }
        if (i < 0) {
            return false;
        }
        int j = p.length - 1;
        while (p[j] <= p[i]) {
            j--;
        }
        swap(p, i, j);
        for (int a = i + 1, b = p.length - 1; a < b; a++, b--) {
            swap(p, a, b);
        }
        return true;
    }

    private static void swap(int[] p, int i, int j) {
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
    }

    private static int[] shuffled(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            swap(p, i, random.nextInt(i + 1));
        }
        return p;
    }

    private static double[][] negate(double[][] m) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = Arrays.stream(m[i]).map(x -> -x).toArray();
        }
        return out;
    }

    private static void assertIsPermutation(int[] p, int n) {
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < n; i++) {
            assertEquals(i, sorted[i]);
        }
    }
}
