package dev.orbit.metanet.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import org.junit.jupiter.api.Test;

/** Teleporting keeps the loss, and lands where the gradient is as steep as predicted and steeper than before. */
class TeleportationTest {

    @Test
    void teleportingKeepsTheLossAndSteepensTheGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, 6, 16, 16, 2);
            GradientFlowFixture fx = new GradientFlowFixture(manager, spec, 5);
            float[] theta = fx.weights();
            float loss = fx.loss();
            float[] gradient = fx.gradient(0f);
            double before = squaredNorm(gradient);
            ScalingAction g = Teleportation.steepest(spec, gradient, 2.0, 3);
            assertEquals(before, Teleportation.gradientNormSquared(spec, gradient,
                    ScalingAction.of(spec, ones(spec))), 1e-9 * before);

            fx.setWeights(g.applyToFlat(spec, theta));
            // float32 forward passes of an MSE of order 1: 1e-5 relative
            assertEquals(loss, fx.loss(), 1e-5 * Math.max(1, loss));
            double after = squaredNorm(fx.gradient(0f));
            double predicted = Teleportation.gradientNormSquared(spec, gradient, g);
            assertEquals(predicted, after, 1e-3 * predicted, "the gradient moves by g^-T");
            assertTrue(after > 1.5 * before, "steeper: " + before + " -> " + after);
        }
    }

    @Test
    void refusesActivationsWithoutPositiveScaling() {
        NetworkSpec tanh = NetworkSpec.mlp(ActivationKind.TANH, 2, 3, 1);
        assertThrows(IllegalArgumentException.class,
                () -> Teleportation.steepest(tanh, new float[Math.toIntExact(tanh.parameterCount())], 2, 1));
    }

    private static float[][] ones(NetworkSpec spec) {
        int[] n = spec.neuronCounts();
        float[][] f = new float[n.length][];
        for (int k = 0; k < n.length; k++) {
            f[k] = new float[n[k]];
            java.util.Arrays.fill(f[k], 1f);
        }
        return f;
    }

    private static double squaredNorm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return s;
    }
}
