package dev.orbit.training.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KendallTauTest {

    private static final double GOLDEN_TOLERANCE = 1e-12;

    static Stream<Arguments> scipyCases() {
        return KendallTauGolden.CASES.stream().map(c -> Arguments.of(c.name(), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scipyCases")
    void matchesScipy(String name, KendallTauGolden.Case c) {
        assertEquals(c.tauB(), KendallTau.tauB(c.x(), c.y()), GOLDEN_TOLERANCE, name);
    }

    @Test
    void handComputedTiesInBothVariables() {
        // x = 1 1 2 3, y = 1 2 2 3; n0 = 6 pairs.
        // (0,1): tied x; (0,2) C; (0,3) C; (1,2): tied y; (1,3) C; (2,3) C  ->  C = 4, D = 0.
        // n1 = 1 (tied in x), n2 = 1 (tied in y): tau_b = 4 / sqrt((6 - 1) * (6 - 1)) = 0.8.
        double[] x = {1, 1, 2, 3};
        double[] y = {1, 2, 2, 3};
        assertEquals(0.8, KendallTau.tauB(x, y), 1e-15);
        // tau-a would be 4 / 6; the tie correction is what distinguishes tau-b.
        assertEquals(0.8, KendallTau.tauB(y, x), 1e-15);
    }

    @Test
    void agreesWithBruteForceOnRandomDataWithTies() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            int n = 2 + random.nextInt(80);
            int xLevels = 1 + random.nextInt(10);
            int yLevels = 1 + random.nextInt(10);
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = random.nextInt(xLevels);
                y[i] = random.nextInt(2) == 0 ? x[i] : random.nextInt(yLevels);
            }
            double expected = bruteForceTauB(x, y);
            double actual = KendallTau.tauB(x, y);
            if (Double.isNaN(expected)) {
                assertTrue(Double.isNaN(actual), "trial " + trial + ": expected NaN, got " + actual);
            } else {
                assertEquals(expected, actual, 1e-12, "trial " + trial);
            }
        }
    }

    @Test
    void reversedRankingIsMinusOne() {
        double[] x = new double[1000];
        double[] y = new double[1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
            y[i] = -3.0 * i + 5;
        }
        assertEquals(-1.0, KendallTau.tauB(x, y), 1e-15);
        assertEquals(1.0, KendallTau.tauB(x, x), 1e-15);
    }

    @Test
    void randomPermutationIsNearZero() {
        // Negative control: an unrelated ordering must not look correlated. For n = 2000 the null
        // standard deviation of tau is sqrt(2(2n+5) / (9n(n-1))) ~ 0.015, so 0.06 is four of them.
        int n = 2000;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = i;
        }
        shuffle(y, new SplittableRandom(11));
        assertEquals(0.0, KendallTau.tauB(x, y), 0.06);
    }

    @Test
    void undefinedCasesAreNaN() {
        assertTrue(Double.isNaN(KendallTau.tauB(new double[0], new double[0])), "empty");
        assertTrue(Double.isNaN(KendallTau.tauB(new double[] {1}, new double[] {2})), "one value");
        assertTrue(Double.isNaN(KendallTau.tauB(new double[] {3, 3, 3}, new double[] {1, 2, 3})), "x tied");
        assertTrue(Double.isNaN(KendallTau.tauB(new double[] {1, 2, 3}, new double[] {0, -0.0, 0})), "y tied");
        assertTrue(Double.isNaN(KendallTau.tauB(new double[] {1, 2, 3}, new double[] {1, Double.NaN, 3})), "NaN");
    }

    @Test
    void mismatchedLengthsAreRejected() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> KendallTau.tauB(new double[3], new double[2]));
        assertEquals("x has 3 values but y has 2; they must be paired one to one", e.getMessage());
    }

    @Test
    void scalesAsNLogN() {
        // A quadratic implementation needs ~5e11 pair comparisons here; Knight's needs ~2e7.
        int n = 1_000_000;
        SplittableRandom random = new SplittableRandom(3);
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextInt(1000);
            y[i] = x[i] + random.nextGaussian() * 300;
        }
        double tau = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> KendallTau.tauB(x, y));
        assertTrue(tau > 0.3 && tau < 1.0, "tau = " + tau);
    }

    /** Definition of tau-b, pair by pair, for cross-checking the O(n log n) version. */
    private static double bruteForceTauB(double[] x, double[] y) {
        long concordant = 0;
        long discordant = 0;
        long tiedX = 0;
        long tiedY = 0;
        int n = x.length;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = Math.signum(x[i] - x[j]) * Math.signum(y[i] - y[j]);
                if (x[i] == x[j]) {
                    tiedX++;
                }
                if (y[i] == y[j]) {
                    tiedY++;
                }
                if (s > 0) {
                    concordant++;
                } else if (s < 0) {
                    discordant++;
                }
            }
        }
        long pairs = (long) n * (n - 1) / 2;
        return (concordant - discordant) / Math.sqrt((double) (pairs - tiedX) * (pairs - tiedY));
    }

    private static void shuffle(double[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double tmp = values[i];
            values[i] = values[j];
            values[j] = tmp;
        }
    }
}
