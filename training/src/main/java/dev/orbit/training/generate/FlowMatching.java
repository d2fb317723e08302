package dev.orbit.training.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import java.util.ArrayList;
import java.util.List;

/**
 * Conditional flow matching over whole weight vectors (Lipman et al. 2023; the straight-line path
 * of rectified flow, Liu et al. 2023), in the per-layer standardised weight space.
 *
 * <p>Path: x_t = (1 - t) x_0 + t x_1, with x_0 ~ N(0, I) noise and x_1 a zoo network; the denoiser
 * v(x_t, t, c) regresses the path's velocity x_1 - x_0 (mean squared error over every weight and
 * bias). Sampling integrates dx/dt = v(x, t, c) from t = 0 to 1 with Euler steps.
 *
 * <p>Why flow matching rather than DDPM: the sampler is a deterministic ODE, so a fixed seed (the
 * start noise) fixes the sample, and an equivariant denoiser maps a permuted start to the equally
 * permuted sample exactly (DDPM's ancestral sampler draws fresh noise at every step, which would
 * have to be permuted too); and tens of ODE steps suffice, which matters on a CPU.
 */
public final class FlowMatching {

    private FlowMatching() {}

    /**
     * The flow-matching loss of a batch.
     *
     * @param data x_1, standardised weights (B networks, C = 1)
     * @param noise x_0, of the same shapes
     * @param t each network's time in [0, 1]
     * @param targets each network's test accuracy (its condition)
     * @param activations each network's activation
     * @return the mean squared error between predicted and true velocity over every entry, a scalar
     */
    public static NDArray loss(Denoiser denoiser, ParameterStore store, ConditionEmbedding embedding,
            WeightSpaceFeatures data, WeightSpaceFeatures noise, float[] t, double[] targets,
            ActivationKind[] activations, boolean training) {
        NDManager manager = data.weight(0).getManager();
        NDArray time = manager.create(t); // (B)
        WeightSpaceFeatures xt = interpolate(noise, data, time);
        NDArray condition = embedding.embed(manager, t, targets, activations); // (B, E)
        WeightSpaceFeatures predicted = denoiser.velocity(store, xt, condition, training);
        NDArray sum = null;
        long count = 0;
        for (int i = 0; i < 2 * data.numLayers(); i++) {
            NDArray target = tensor(data, i).sub(tensor(noise, i)); // x_1 - x_0
            NDArray squared = tensor(predicted, i).sub(target).square().sum();
            sum = sum == null ? squared : sum.add(squared);
            count += target.getShape().size();
        }
        return sum.div(count); // ()
    }

    /**
     * Samples by integrating the learned flow from {@code start} (noise at t = 0) to t = 1.
     *
     * @param start x_0, standardised-space noise (B networks, C = 1)
     * @param targets each network's requested test accuracy
     * @param activations each network's activation
     * @param steps Euler steps
     * @param guidance classifier-free guidance weight w: the velocity is v_u + w (v_c - v_u), v_u the
     *     unconditional one (target dropped); 1 is the plain conditional model
     * @return x_1, standardised weights of the shapes of {@code start}
     */
    public static WeightSpaceFeatures sample(Denoiser denoiser, ParameterStore store, ConditionEmbedding embedding,
            WeightSpaceFeatures start, double[] targets, ActivationKind[] activations, int steps, double guidance) {
        double[] none = new double[targets.length];
        java.util.Arrays.fill(none, Double.NaN);
        NDManager manager = start.weight(0).getManager();
        int batch = Math.toIntExact(start.batchSize());
        WeightSpaceFeatures x = start;
        float dt = 1f / steps;
        for (int k = 0; k < steps; k++) {
            float[] t = new float[batch];
            java.util.Arrays.fill(t, k * dt);
            NDArray condition = embedding.embed(manager, t, targets, activations); // (B, E)
            WeightSpaceFeatures v = denoiser.velocity(store, x, condition, false);
            if (guidance != 1) {
                WeightSpaceFeatures unconditional = denoiser.velocity(store, x,
                        embedding.embed(manager, t, none, activations), false);
                float w = (float) guidance;
                v = WeightSpaceFeatures.of(guided(unconditional.weights(), v.weights(), w),
                        guided(unconditional.biases(), v.biases(), w));
            }
            List<NDArray> w = new ArrayList<>();
            List<NDArray> b = new ArrayList<>();
            for (int l = 0; l < x.numLayers(); l++) {
                w.add(x.weight(l).add(v.weight(l).mul(dt)));
                b.add(x.bias(l).add(v.bias(l).mul(dt)));
            }
            x = WeightSpaceFeatures.of(w, b);
        }
        return x;
    }

    /** v_u + w (v_c - v_u), tensor by tensor. */
    private static List<NDArray> guided(List<NDArray> unconditional, List<NDArray> conditional, float w) {
        List<NDArray> out = new ArrayList<>();
        for (int i = 0; i < unconditional.size(); i++) {
            out.add(unconditional.get(i).add(conditional.get(i).sub(unconditional.get(i)).mul(w)));
        }
        return out;
    }

    /** (1 - t) x_0 + t x_1, each network at its own time. */
    static WeightSpaceFeatures interpolate(WeightSpaceFeatures x0, WeightSpaceFeatures x1, NDArray t) {
        List<NDArray> w = new ArrayList<>();
        List<NDArray> b = new ArrayList<>();
        long batch = t.getShape().get(0);
        NDArray tw = t.reshape(new Shape(batch, 1, 1, 1)); // (B, 1, 1, 1)
        NDArray tb = t.reshape(new Shape(batch, 1, 1)); // (B, 1, 1)
        for (int l = 0; l < x0.numLayers(); l++) {
            w.add(x0.weight(l).mul(tw.neg().add(1)).add(x1.weight(l).mul(tw)));
            b.add(x0.bias(l).mul(tb.neg().add(1)).add(x1.bias(l).mul(tb)));
        }
        return WeightSpaceFeatures.of(w, b);
    }

    private static NDArray tensor(WeightSpaceFeatures f, int i) {
        return i % 2 == 0 ? f.weight(i / 2) : f.bias(i / 2);
    }
}
