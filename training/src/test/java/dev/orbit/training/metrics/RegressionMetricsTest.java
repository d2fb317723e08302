package dev.orbit.training.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RegressionMetricsTest {

    @Test
    void handComputedRmseAndRSquared() {
        // truth mean = 2.5; SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5.
        // residuals truth - predicted = 0, -0.5, 0.5, -1: SS_res = 0 + 0.25 + 0.25 + 1 = 1.5.
        // R^2 = 1 - 1.5 / 5 = 0.7; RMSE = sqrt(1.5 / 4).
        double[] truth = {1, 2, 3, 4};
        double[] predicted = {1, 2.5, 2.5, 5};
        assertEquals(0.7, RSquared.of(truth, predicted), 1e-15);
        assertEquals(Math.sqrt(1.5 / 4), Rmse.of(truth, predicted), 1e-15);
    }

    @Test
    void perfectPredictionsScorePerfectly() {
        double[] truth = {0.1, 0.7, 0.3, 0.9};
        RegressionMetrics m = RegressionMetrics.of(truth, truth.clone());
        assertEquals(4, m.count());
        assertEquals(1.0, m.kendallTau(), 1e-15);
        assertEquals(1.0, m.rSquared(), 1e-15);
        assertEquals(0.0, m.rmse(), 1e-15);
    }

    @Test
    void predictingTheMeanGivesZeroAndWorseGivesNegativeRSquared() {
        // Negative control: R^2 is not a squared correlation, so reversed predictions must go negative.
        double[] truth = {1, 2, 3, 4};
        assertEquals(0.0, RSquared.of(truth, new double[] {2.5, 2.5, 2.5, 2.5}), 1e-15);
        // reversed: residuals -3, -1, 1, 3 -> SS_res = 20, R^2 = 1 - 20 / 5 = -3.
        assertEquals(-3.0, RSquared.of(truth, new double[] {4, 3, 2, 1}), 1e-15);
    }

    @Test
    void bundleMatchesTheIndividualMetrics() {
        double[] truth = {0.52, 0.61, 0.61, 0.70, 0.45, 0.58};
        double[] predicted = {0.50, 0.66, 0.59, 0.69, 0.49, 0.58};
        RegressionMetrics m = RegressionMetrics.of(truth, predicted);
        assertEquals(KendallTau.tauB(truth, predicted), m.kendallTau(), 0.0);
        assertEquals(RSquared.of(truth, predicted), m.rSquared(), 0.0);
        assertEquals(Rmse.of(truth, predicted), m.rmse(), 0.0);
    }

    @Test
    void undefinedCasesAreNaN() {
        assertTrue(Double.isNaN(RSquared.of(new double[] {2, 2, 2}, new double[] {1, 2, 3})), "constant truth");
        assertTrue(Double.isNaN(RSquared.of(new double[0], new double[0])), "empty R^2");
        assertTrue(Double.isNaN(Rmse.of(new double[0], new double[0])), "empty RMSE");
        assertTrue(Double.isNaN(Rmse.of(new double[] {1, 2}, new double[] {1, Double.NaN})), "NaN RMSE");
        RegressionMetrics m = RegressionMetrics.of(new double[0], new double[0]);
        assertEquals(0, m.count());
        assertTrue(Double.isNaN(m.kendallTau()) && Double.isNaN(m.rSquared()) && Double.isNaN(m.rmse()));
    }

    @Test
    void badArgumentsAreRejectedWithTheirNames() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> RegressionMetrics.of(new double[2], new double[5]));
        assertEquals("truth has 2 values but predicted has 5; they must be paired one to one", e.getMessage());
        NullPointerException npe = assertThrows(NullPointerException.class, () -> Rmse.of(new double[1], null));
        assertEquals("predicted must not be null", npe.getMessage());
    }
}
