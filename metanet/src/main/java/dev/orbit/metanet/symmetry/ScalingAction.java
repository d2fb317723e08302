package dev.orbit.metanet.symmetry;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A diagonal rescaling of hidden neurons: W_l ← D W_l, b_l ← D b_l, W_{l+1} ← W_{l+1} D^{-1} at
 * each hidden boundary (docs/DESIGN.md §1). Positive factors are a symmetry of positively homogeneous
 * activations (ReLU); factors ±1 (sign flips) of odd ones (tanh, sine).
 */
public final class ScalingAction implements SymmetryAction {

    private final float[][] factors; // factors[k] for boundary k = 0..L; input and output are all 1

    private ScalingAction(float[][] factors) {
        this.factors = factors;
    }

    /**
     * Random positive factors exp(N(0, logStd²)) from {@code seed}; the spec's hidden activations
     * must admit positive scaling.
     */
    public static ScalingAction positive(NetworkSpec spec, long seed, double logStd) {
        requireEvery(spec, ActivationKind::admitsPositiveScaling, "positive scaling");
        SplittableRandom random = new SplittableRandom(seed);
        return new ScalingAction(draw(spec, () -> (float) Math.exp(logStd * gaussian(random))));
    }

    /** Random sign flips from {@code seed}; the spec's hidden activations must be odd. */
    public static ScalingAction signFlip(NetworkSpec spec, long seed) {
        requireEvery(spec, ActivationKind::admitsSignFlip, "sign flips");
        SplittableRandom random = new SplittableRandom(seed);
        return new ScalingAction(draw(spec, () -> random.nextBoolean() ? 1f : -1f));
    }

    /**
     * Explicit factors {@code factors[k]} for each boundary k = 0..L, without checking that they
     * are a symmetry of the spec's activations (a tanh network rescaled changes its function).
     */
    public static ScalingAction of(NetworkSpec spec, float[][] factors) {
        int[] n = spec.neuronCounts();
        if (factors.length != n.length) {
            throw new IllegalArgumentException("Need factors for each of the " + n.length + " boundaries");
        }
        float[][] copy = new float[n.length][];
        for (int k = 0; k < n.length; k++) {
            if (factors[k].length != n[k]) {
                throw new IllegalArgumentException("Boundary " + k + " has " + n[k] + " neurons, got " + factors[k].length + " factors");
            }
            for (float f : factors[k]) {
                if (f == 0f || !Float.isFinite(f)) {
                    throw new IllegalArgumentException("Scaling factors must be finite and non-zero, got " + f);
                }
            }
            copy[k] = factors[k].clone();
        }
        return new ScalingAction(copy);
    }

    /** The factors at boundary k. */
    public float[] factors(int boundary) {
        return factors[boundary].clone();
    }

    @Override
    public WeightSpaceFeatures apply(WeightSpaceFeatures f) {
        if (f.numLayers() + 1 != factors.length) {
            throw new IllegalArgumentException("Features have " + f.numLayers() + " layers, the action " + (factors.length - 1));
        }
        NDManager manager = f.weight(0).getManager();
        List<NDArray> w = new ArrayList<>();
        List<NDArray> b = new ArrayList<>();
        for (int l = 0; l < f.numLayers(); l++) {
            float[] out = factors[l + 1];
            float[] in = factors[l];
            NDArray rowScale = manager.create(out, new Shape(1, out.length, 1, 1)); // (1, n_l, 1, 1)
            NDArray colScale = manager.create(reciprocal(in), new Shape(1, 1, in.length, 1)); // (1, 1, n_{l-1}, 1)
            w.add(f.weight(l).mul(rowScale).mul(colScale)); // (B, n_l, n_{l-1}, C_l)
            b.add(f.bias(l).mul(rowScale.reshape(1, out.length, 1))); // (B, n_l, C)
        }
        return WeightSpaceFeatures.of(w, b);
    }

    @Override
    public ScalingAction inverse() {
        float[][] inv = new float[factors.length][];
        for (int k = 0; k < factors.length; k++) {
            inv[k] = reciprocal(factors[k]);
        }
        return new ScalingAction(inv);
    }

    /** The scaling "this, then {@code next}": factors multiply. */
    public ScalingAction then(ScalingAction next) {
        float[][] out = new float[factors.length][];
        for (int k = 0; k < factors.length; k++) {
            out[k] = new float[factors[k].length];
            for (int i = 0; i < out[k].length; i++) {
                out[k][i] = factors[k][i] * next.factors[k][i];
            }
        }
        return new ScalingAction(out);
    }

    private static float[][] draw(NetworkSpec spec, java.util.function.Supplier<Float> factor) {
        int[] n = spec.neuronCounts();
        float[][] f = new float[n.length][];
        for (int k = 0; k < n.length; k++) {
            f[k] = new float[n[k]];
            for (int i = 0; i < n[k]; i++) {
                f[k][i] = spec.isPermutable(k) ? factor.get() : 1f;
            }
        }
        return f;
    }

    private static void requireEvery(NetworkSpec spec, java.util.function.Predicate<ActivationKind> ok, String what) {
        for (int l = 0; l + 1 < spec.numLayers(); l++) {
            ActivationKind act = spec.layer(l).activation();
            if (!ok.test(act)) {
                throw new IllegalArgumentException(
                        "Activation " + act.id() + " after layer " + l + " does not admit " + what);
            }
        }
    }

    private static float[] reciprocal(float[] v) {
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = 1f / v[i];
        }
        return r;
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
    }
}
