package dev.orbit.zoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDScope;
import dev.orbit.metanet.optim.Adam;
import java.util.ArrayList;
import java.util.List;

/**
 * One optimizer applied to M networks' parameters at once, each with its own learning rate and L2.
 *
 * <p>A parameter is seen as a view {@code (M, size)}: row m holds network m's copy. Per-network
 * learning rates, weight decays and "still alive" flags are {@code (M, 1)} columns broadcast over the
 * row. The update follows torch.optim (SGD, {@link Adam#stackedStep Adam}, RMSprop with weight_decay), with weight decay
 * {@code 2λ} so that it equals the gradient of Keras' {@code l2(λ)} penalty λ·Σw². A row whose flag is
 * false is left untouched, so a diverged network cannot stop or perturb the others. The single-network
 * trainer runs the same code with M = 1, which is what makes the two trainers agree.
 */
final class StackedOptimizer {

    private final OptimizerKind kind;
    private final List<NDArray[]> states = new ArrayList<>();

    StackedOptimizer(OptimizerKind kind) {
        this.kind = kind;
    }

    OptimizerKind kind() {
        return kind;
    }

    /**
     * Updates one parameter in place; call with the gradient mode off (no GradientCollector open).
     *
     * @param index which parameter (its optimizer state is kept under this index)
     * @param param (M, size) view of the parameter
     * @param grad (M, size) view of its gradient
     * @param lr (M, 1) learning rates
     * @param weightDecay (M, 1) decay 2λ, or null for none (biases)
     * @param alive (M, 1) boolean, or null when every row may move
     * @param step 1-based step count, for Adam's bias correction
     */
    void update(int index, NDArray param, NDArray grad, NDArray lr, NDArray weightDecay, NDArray alive, int step) {
        NDArray g = weightDecay == null ? grad : grad.add(weightDecay.mul(param)); // (M, size)
        NDArray delta; // (M, size), to subtract
        switch (kind) {
            case SGD:
                delta = lr.mul(g);
                break;
            case ADAM: {
                NDArray[] s = state(index, param, 2);
                delta = Adam.stackedStep(s[0], s[1], g, lr, step);
                break;
            }
            case RMSPROP: {
                NDArray v = state(index, param, 1)[0];
                v.muli(OptimizerKind.RMSPROP_ALPHA).addi(g.mul(g).muli(1f - OptimizerKind.RMSPROP_ALPHA));
                delta = lr.mul(g.div(v.sqrt().addi(OptimizerKind.EPSILON)));
                break;
            }
            default:
                throw new IllegalStateException(kind.name());
        }
        if (alive != null) {
            delta = NDArrays.where(alive.broadcast(delta.getShape()), delta, delta.zerosLike()); // DJL's where does not broadcast
        }
        param.subi(delta);
    }

    private NDArray[] state(int index, NDArray param, int count) {
        while (states.size() <= index) {
            states.add(null);
        }
        NDArray[] s = states.get(index);
        if (s == null) {
            s = new NDArray[count];
            for (int i = 0; i < count; i++) {
                s[i] = param.getManager().zeros(param.getShape());
                NDScope.unregister(s[i]); // outlives the step's scope
            }
            states.set(index, s);
        }
        return s;
    }
}
