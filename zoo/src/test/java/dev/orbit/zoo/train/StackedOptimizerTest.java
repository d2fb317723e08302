package dev.orbit.zoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Two members, three weights each, two steps, against the torch.optim formulas worked in doubles. */
class StackedOptimizerTest {

    /** float32 arithmetic against double references. */
    private static final double TOLERANCE = 1e-6;

    private static final double[][] START = {{0.5, -1.0, 2.0}, {0.1, 0.2, -0.3}};
    private static final double[][][] GRADS = {
        {{0.3, -0.2, 0.1}, {-1.0, 0.5, 0.25}},
        {{-0.1, 0.4, 0.05}, {0.2, -0.3, 0.6}},
    };
    private static final double[] LR = {0.1, 0.01};
    private static final double[] L2 = {1e-2, 0.0};

    private static float[] run(OptimizerKind kind, boolean[] alive) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray param = manager.create(flat(START), new Shape(2, 3));
            NDArray lr = manager.create(new float[] {(float) LR[0], (float) LR[1]}, new Shape(2, 1));
            NDArray decay = manager.create(new float[] {(float) (2 * L2[0]), (float) (2 * L2[1])}, new Shape(2, 1));
            NDArray mayMove = alive == null ? null : manager.create(alive, new Shape(2, 1));
            StackedOptimizer optimizer = new StackedOptimizer(kind);
            for (int step = 1; step <= 2; step++) {
                NDArray grad = manager.create(flat(GRADS[step - 1]), new Shape(2, 3));
                optimizer.update(0, param, grad, lr, decay, mayMove, step);
            }
            return param.toFloatArray();
        }
    }

    /** The reference: torch.optim's update for one member, gradient plus 2λw (Keras' l2(λ)). */
    private static double[] reference(OptimizerKind kind, int member) {
        double[] p = START[member].clone();
        double[] m = new double[3];
        double[] v = new double[3];
        for (int step = 1; step <= 2; step++) {
            for (int i = 0; i < 3; i++) {
                double g = GRADS[step - 1][member][i] + 2 * L2[member] * p[i];
                switch (kind) {
                    case SGD:
                        p[i] -= LR[member] * g;
                        break;
                    case ADAM:
                        m[i] = 0.9 * m[i] + 0.1 * g;
                        v[i] = 0.999 * v[i] + 0.001 * g * g;
                        double mHat = m[i] / (1 - Math.pow(0.9, step));
                        double vHat = v[i] / (1 - Math.pow(0.999, step));
                        p[i] -= LR[member] * mHat / (Math.sqrt(vHat) + 1e-8);
                        break;
                    case RMSPROP:
                        v[i] = 0.99 * v[i] + 0.01 * g * g;
                        p[i] -= LR[member] * g / (Math.sqrt(v[i]) + 1e-8);
                        break;
                    default:
                        throw new IllegalStateException();
                }
            }
        }
        return p;
    }

    private static void check(OptimizerKind kind) {
        float[] got = run(kind, null);
        double[] want = new double[6];
        System.arraycopy(reference(kind, 0), 0, want, 0, 3);
        System.arraycopy(reference(kind, 1), 0, want, 3, 3);
        assertArrayEquals(want, toDouble(got), TOLERANCE, kind + " after two steps");
    }

    @Test
    void sgdMatchesTorchOptimSgdWithPerMemberLearningRateAndL2() {
        check(OptimizerKind.SGD);
    }

    @Test
    void adamMatchesTorchOptimAdamWithBiasCorrection() {
        check(OptimizerKind.ADAM);
    }

    @Test
    void rmspropMatchesTorchOptimRmsprop() {
        check(OptimizerKind.RMSPROP);
    }

    @Test
    void aFrozenMemberKeepsItsWeightsAndTheOtherStillMoves() {
        float[] got = run(OptimizerKind.ADAM, new boolean[] {true, false});
        double[] want = new double[6];
        System.arraycopy(reference(OptimizerKind.ADAM, 0), 0, want, 0, 3);
        System.arraycopy(START[1], 0, want, 3, 3);
        assertArrayEquals(want, toDouble(got), TOLERANCE);
    }

    private static float[] flat(double[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < rows[r].length; c++) {
                out[r * rows[r].length + c] = (float) rows[r][c];
            }
        }
        return out;
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
