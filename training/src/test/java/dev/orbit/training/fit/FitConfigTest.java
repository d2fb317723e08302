package dev.orbit.training.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** The two training losses against values worked out by hand. */
class FitConfigTest {

    @Test
    void bceIsTheMeanNegativeLogLikelihoodOfTheTargetRate() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(new float[] {0.8f, 0.3f, 0.5f});
            NDArray y = m.create(new float[] {1f, 0f, 0.25f});
            // -ln 0.8, -ln 0.7, -(0.25 ln 0.5 + 0.75 ln 0.5) = ln 2
            double expected = (-Math.log(0.8) - Math.log(0.7) + Math.log(2)) / 3;
            assertEquals(expected, FitConfig.Loss.BCE.of(p, y).getFloat(), 1e-6);
            assertEquals((0.04 + 0.09 + 0.0625) / 3, FitConfig.Loss.MSE.of(p, y).getFloat(), 1e-6);
            // A certain wrong answer is large but finite: the prediction is clipped away from 0 and 1.
            float wrong = FitConfig.Loss.BCE.of(m.create(new float[] {0f}), m.create(new float[] {1f})).getFloat();
            assertTrue(Float.isFinite(wrong) && wrong > 10, "got " + wrong);
        }
    }

    @Test
    void lossNamesParseAndTheDefaultFollowsTheTarget() {
        assertEquals(FitConfig.Loss.BCE, FitConfig.Loss.parse("BCE"));
        assertEquals(FitConfig.Loss.AUTO, FitConfig.defaults().loss());
        // AUTO: cross-entropy for rates in [0, 1], squared error for anything else (e.g. a negative gap).
        assertEquals(FitConfig.Loss.BCE, FitConfig.Loss.AUTO.resolve(0.05, 0.8));
        assertEquals(FitConfig.Loss.MSE, FitConfig.Loss.AUTO.resolve(-0.02, 0.3));
        assertEquals(FitConfig.Loss.MSE, FitConfig.Loss.MSE.resolve(0.05, 0.8));
        assertEquals(FitConfig.Loss.BCE, FitConfig.defaults().withLoss(FitConfig.Loss.BCE).withEpochs(3).loss());
        assertThrows(IllegalArgumentException.class, () -> FitConfig.Loss.parse("hinge"));
    }
}
