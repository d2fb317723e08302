package dev.orbit.metanet.symmetry;

import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.Arrays;

/**
 * Teleportation along the positive-scaling orbit (Zhao, Dehmamy, Walters and Yu 2022, "Symmetry
 * teleportation for accelerated optimization"): move a ReLU network to another point of its orbit,
 * same function and same loss, where the loss is steeper, then continue training from there.
 *
 * <p>Because the loss is invariant, its gradient at g·θ is the gradient at θ moved by g⁻ᵀ: for
 * factors f (W_l ← f_{l+1} W_l / f_l), entry W_l[i][c] of the gradient becomes
 * ∇W_l[i][c] · f_l[c] / f_{l+1}[i] and ∇b_l[i] becomes ∇b_l[i] / f_{l+1}[i]. So one gradient at θ
 * gives the gradient norm anywhere on the orbit, and no second backward pass is needed. With one
 * neuron's factor x² free and the others fixed, ‖∇‖² = A/x² + B·x² + C, convex in x², so the best
 * factor within [1/R, R] is an end of the range; this coordinate ascent over neurons, a few sweeps,
 * increases ‖∇‖² at every change. The range bounds the move (the norm is unbounded on the orbit).
 */
public final class Teleportation {

    private Teleportation() {}

    /**
     * The scaling that (approximately) maximises the gradient norm within factors [1/maxFactor, maxFactor].
     *
     * @param spec the architecture; its hidden activations must be positively homogeneous
     * @param gradient the loss gradient at θ, flat in the canonical order
     * @param maxFactor R &gt; 1
     * @param sweeps coordinate-ascent sweeps over all hidden neurons
     */
    public static ScalingAction steepest(NetworkSpec spec, float[] gradient, double maxFactor, int sweeps) {
        if (!(maxFactor > 1)) {
            throw new IllegalArgumentException("The largest factor must exceed 1, got " + maxFactor);
        }
        for (int l = 0; l + 1 < spec.numLayers(); l++) {
            ActivationKind act = spec.layer(l).activation();
            if (!act.admitsPositiveScaling()) {
                throw new IllegalArgumentException("Teleportation by positive scaling needs positively homogeneous"
                        + " activations; layer " + l + " is followed by " + act.id() + ".");
            }
        }
        int[] n = spec.neuronCounts();
        float[][] f = new float[n.length][];
        for (int k = 0; k < n.length; k++) {
            f[k] = new float[n[k]];
            Arrays.fill(f[k], 1f);
        }
        double lo = 1 / (maxFactor * maxFactor);
        double hi = maxFactor * maxFactor;
        for (int sweep = 0; sweep < sweeps; sweep++) {
            for (int k = 1; k < n.length - 1; k++) {
                for (int i = 0; i < n[k]; i++) {
                    // Terms of ‖∇‖² touching neuron i, at its factor 1: incoming ones scale by 1/x², outgoing by x².
                    double in = incomingSquares(spec, gradient, f, k, i);
                    double out = outgoingSquares(spec, gradient, f, k, i);
                    double x2 = (double) f[k][i] * f[k][i];
                    double a = in * x2; // A: the incoming part at factor 1
                    double b = out / x2; // B: the outgoing part at factor 1
                    double best = a / lo + b * lo >= a / hi + b * hi ? lo : hi;
                    if (a / best + b * best > a / x2 + b * x2) {
                        f[k][i] = (float) Math.sqrt(best);
                    }
                }
            }
        }
        return ScalingAction.of(spec, f);
    }

    /**
     * ‖∇L(g·θ)‖² from the gradient at θ, for positive factors g (see the class comment).
     */
    public static double gradientNormSquared(NetworkSpec spec, float[] gradient, ScalingAction g) {
        int[] n = spec.neuronCounts();
        float[][] f = new float[n.length][];
        for (int k = 0; k < n.length; k++) {
            f[k] = g.factors(k);
        }
        double sum = 0;
        for (int l = 0; l < spec.numLayers(); l++) {
            LayerSpec layer = spec.layer(l);
            int offset = Math.toIntExact(spec.weightOffset(l));
            int taps = layer.filterSize();
            for (int i = 0; i < layer.outNeurons(); i++) {
                for (int c = 0; c < layer.inNeurons(); c++) {
                    double scale = f[l][c] / f[l + 1][i];
                    for (int t = 0; t < taps; t++) {
                        double v = gradient[offset + (i * layer.inNeurons() + c) * taps + t] * scale;
                        sum += v * v;
                    }
                }
                double v = gradient[offset + Math.toIntExact(layer.weightCount()) + i] / f[l + 1][i];
                sum += v * v;
            }
        }
        return sum;
    }

    /** Σ over neuron i's incoming weights and bias of the moved gradient, squared. */
    private static double incomingSquares(NetworkSpec spec, float[] g, float[][] f, int k, int i) {
        LayerSpec layer = spec.layer(k - 1);
        int offset = Math.toIntExact(spec.weightOffset(k - 1));
        int taps = layer.filterSize();
        double sum = 0;
        for (int c = 0; c < layer.inNeurons(); c++) {
            double scale = f[k - 1][c] / f[k][i];
            for (int t = 0; t < taps; t++) {
                double v = g[offset + (i * layer.inNeurons() + c) * taps + t] * scale;
                sum += v * v;
            }
        }
        double v = g[offset + Math.toIntExact(layer.weightCount()) + i] / f[k][i];
        return sum + v * v;
    }

    /** Σ over neuron i's outgoing weights of the moved gradient, squared. */
    private static double outgoingSquares(NetworkSpec spec, float[] g, float[][] f, int k, int i) {
        LayerSpec layer = spec.layer(k);
        int offset = Math.toIntExact(spec.weightOffset(k));
        int taps = layer.filterSize();
        double sum = 0;
        for (int r = 0; r < layer.outNeurons(); r++) {
            double scale = f[k][i] / f[k + 1][r];
            for (int t = 0; t < taps; t++) {
                double v = g[offset + (r * layer.inNeurons() + i) * taps + t] * scale;
                sum += v * v;
            }
        }
        return sum;
    }
}
