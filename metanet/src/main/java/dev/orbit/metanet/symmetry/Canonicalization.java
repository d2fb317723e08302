package dev.orbit.metanet.symmetry;

import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.Arrays;
import java.util.Comparator;

/**
 * One representative per orbit: a network's canonical form is the same point for every network its
 * symmetries reach, so a non-invariant model (a flat MLP) sees one input per function class instead
 * of learning the symmetry from data.
 *
 * <p>Two forward passes over the hidden boundaries. First the continuous symmetry, where the
 * activation has one: for a positively homogeneous activation (ReLU) each neuron's incoming weights
 * and bias are scaled to unit norm (its outgoing weights take the inverse factor); for an odd one
 * (tanh, sine) each neuron's sign is chosen so that its incoming weights and bias sum to a positive
 * number (or, when they sum to zero, so that the first non-zero one is positive). Boundary by
 * boundary the incoming weights are then already canonical in their columns, so the choice does not
 * depend on where in the orbit the network started. Second the permutation: each hidden boundary's
 * neurons are sorted by ‖incoming‖·‖outgoing‖ (invariant to both rescalings), largest first, ties
 * broken by comparing incoming weights entry by entry (columns already sorted) and then outgoing
 * weights. Exact ties left after that are identical neurons, which any order maps to one form.
 *
 * <p>The result is an action (the rescaling, then the permutation) applied with
 * {@link ScalingAction} and {@link PermutationAction}; the function is unchanged.
 */
public final class Canonicalization {

    private Canonicalization() {}

    /** The canonical form of one network's flat canonical weights (a new array). */
    public static float[] canonicalForm(NetworkSpec spec, float[] flat) {
        return canonicalize(spec, flat).applyToFlat(spec, flat);
    }

    /**
     * The symmetry g with g(θ) canonical.
     *
     * @param spec the architecture, with its hidden activation: it decides which rescaling applies
     * @param flat θ, flat canonical weights
     */
    public static SymmetryAction canonicalize(NetworkSpec spec, float[] flat) {
        if (flat.length != spec.parameterCount()) {
            throw new IllegalArgumentException(spec.describe() + " has " + spec.parameterCount() + " weights, got "
                    + flat.length);
        }
        int[] n = spec.neuronCounts();
        float[][] factors = new float[n.length][];
        for (int k = 0; k < n.length; k++) {
            factors[k] = new float[n[k]];
            Arrays.fill(factors[k], 1f);
        }
        boolean rescaled = false;
        for (int k = 1; k < n.length - 1; k++) {
            ActivationKind act = spec.layer(k - 1).activation();
            if (act == ActivationKind.IDENTITY) {
                continue; // a linear neuron admits any invertible mixing; only its permutation is fixed here
            }
            boolean scale = act.admitsPositiveScaling();
            boolean sign = act.admitsSignFlip();
            if (!scale && !sign) {
                continue;
            }
            for (int i = 0; i < n[k]; i++) {
                double[] in = incoming(spec, flat, k, i, factors[k - 1]);
                if (scale) {
                    double norm = norm(in);
                    factors[k][i] = norm > 0 ? (float) (1 / norm) : 1f;
                } else {
                    factors[k][i] = signOf(in);
                }
                rescaled |= factors[k][i] != 1f;
            }
        }
        ScalingAction scaling = rescaled ? ScalingAction.of(spec, factors) : null;
        float[] normalised = scaling == null ? flat : scaling.applyToFlat(spec, flat);
        int[][] perm = new int[n.length][];
        for (int k = 0; k < n.length; k++) {
            perm[k] = identity(n[k]);
        }
        for (int k = 1; k < n.length - 1; k++) {
            perm[k] = sortOrder(spec, normalised, k, perm[k - 1]);
        }
        PermutationAction permutation = PermutationAction.of(spec, perm);
        return scaling == null ? permutation : scaling.then(permutation);
    }

    /** Boundary k's neurons, largest ‖in‖·‖out‖ first, ties by incoming then outgoing weights. */
    private static int[] sortOrder(NetworkSpec spec, float[] w, int k, int[] inOrder) {
        int count = spec.neuronCounts()[k];
        double[][] in = new double[count][];
        double[][] out = new double[count][];
        double[] key = new double[count];
        float[] ones = new float[inOrder.length];
        Arrays.fill(ones, 1f);
        for (int i = 0; i < count; i++) {
            double[] raw = incoming(spec, w, k, i, ones);
            in[i] = reorderColumns(raw, inOrder, spec.layer(k - 1).filterSize());
            out[i] = outgoing(spec, w, k, i);
            key[i] = norm(in[i]) * norm(out[i]);
        }
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Comparator<Integer> byKey = Comparator.comparingDouble((Integer i) -> -key[i]);
        Arrays.sort(order, byKey.thenComparing((x, y) -> Arrays.compare(in[x], in[y]))
                .thenComparing((x, y) -> Arrays.compare(out[x], out[y])));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    /**
     * Neuron i of boundary k: its incoming weights (column c divided by {@code inFactors[c]}, as a
     * rescaling of the boundary below would leave them) then its bias; (n_{k-1}·taps + 1).
     */
    private static double[] incoming(NetworkSpec spec, float[] w, int k, int i, float[] inFactors) {
        LayerSpec layer = spec.layer(k - 1);
        int f = layer.filterSize();
        int width = layer.inNeurons() * f;
        int start = Math.toIntExact(spec.weightOffset(k - 1)) + i * width;
        double[] v = new double[width + 1];
        for (int c = 0; c < layer.inNeurons(); c++) {
            for (int t = 0; t < f; t++) {
                v[c * f + t] = w[start + c * f + t] / inFactors[c];
            }
        }
        v[width] = w[Math.toIntExact(spec.weightOffset(k - 1) + layer.weightCount()) + i];
        return v;
    }

    /** Neuron i of boundary k: its outgoing weights, W_k[:, i, :], (n_{k+1}·taps). */
    private static double[] outgoing(NetworkSpec spec, float[] w, int k, int i) {
        LayerSpec layer = spec.layer(k);
        int f = layer.filterSize();
        int base = Math.toIntExact(spec.weightOffset(k));
        double[] v = new double[layer.outNeurons() * f];
        for (int r = 0; r < layer.outNeurons(); r++) {
            for (int t = 0; t < f; t++) {
                v[r * f + t] = w[base + (r * layer.inNeurons() + i) * f + t];
            }
        }
        return v;
    }

    /** Incoming weights with their input columns in the canonical order (bias last, unmoved). */
    private static double[] reorderColumns(double[] raw, int[] inOrder, int taps) {
        double[] v = new double[raw.length];
        for (int c = 0; c < inOrder.length; c++) {
            System.arraycopy(raw, inOrder[c] * taps, v, c * taps, taps);
        }
        v[raw.length - 1] = raw[raw.length - 1];
        return v;
    }

    private static float signOf(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        if (sum != 0) {
            return sum > 0 ? 1f : -1f;
        }
        for (double x : v) {
            if (x != 0) {
                return x > 0 ? 1f : -1f;
            }
        }
        return 1f;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }
}
