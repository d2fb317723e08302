package dev.orbit.metanet.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import org.junit.jupiter.api.Test;

/**
 * Q = ‖w_in‖² + b² − ‖w_out‖² per ReLU neuron stays put under small-step gradient descent, and moves
 * when the run is not a ReLU network's gradient flow (tanh, or weight decay).
 */
class ConservedQuantitiesTest {

    private static final int STEPS = 60;
    private static final float LR = 2e-3f;

    @Test
    void qIsTheDifferenceOfIncomingAndOutgoingSquares() {
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, 1, 2, 1);
        // W0 = [1, 2]^T, b0 = [3, 4], W1 = [5, 6], b1 = [7]
        double[][] q = ConservedQuantities.of(spec, new float[] {1, 2, 3, 4, 5, 6, 7});
        assertEquals(1 + 9 - 25, q[0][0], 0);
        assertEquals(4 + 16 - 36, q[0][1], 0);
    }

    @Test
    void reluDriftIsSecondOrderInTheStepAndOtherRunsDrift() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NetworkSpec relu = NetworkSpec.mlp(ActivationKind.RELU, 6, 16, 16, 2);
            GradientFlowFixture fx = new GradientFlowFixture(manager, relu, 3);
            float[] start = fx.weights();
            float lossBefore = fx.loss();
            fx.descend(STEPS, LR, 0f);
            float[] end = fx.weights();
            assertTrue(fx.loss() < lossBefore, "the run trains");
            double reluDrift = ConservedQuantities.relativeDrift(relu, start, end);
            double moved = WeightMatchingTest.distance(start, end) / WeightMatchingTest.distance(start, new float[start.length]);

            // Negative control 1: the same run with weight decay (not scale invariant).
            fx.setWeights(start);
            fx.descend(STEPS, LR, 0.05f);
            double decayDrift = ConservedQuantities.relativeDrift(relu, start, fx.weights());

            // Negative control 2: a tanh network, not positively homogeneous, trained the same way.
            NetworkSpec tanh = NetworkSpec.mlp(ActivationKind.TANH, 6, 16, 16, 2);
            GradientFlowFixture tx = new GradientFlowFixture(manager, tanh, 3);
            float[] tanhStart = tx.weights();
            tx.descend(STEPS, LR, 0f);
            double tanhDrift = ConservedQuantities.relativeDrift(tanh, tanhStart, tx.weights());

            String report = "relu " + reluDrift + ", decay " + decayDrift + ", tanh " + tanhDrift + ", moved " + moved;
            // Per step ΔQ = lr²(‖∇in‖² − ‖∇out‖²): with lr 2e-3 and 60 steps far below 1e-4 of the mass.
            assertTrue(reluDrift < 1e-4, report);
            assertTrue(moved > 1e-3, report);
            assertTrue(decayDrift > 20 * reluDrift, report);
            assertTrue(tanhDrift > 20 * reluDrift, report);
        }
    }
}
