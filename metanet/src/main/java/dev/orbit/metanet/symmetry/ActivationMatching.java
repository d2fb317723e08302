package dev.orbit.metanet.symmetry;

import dev.orbit.metanet.space.NetworkSpec;
import java.util.List;

/**
 * Activation matching (Git Re-Basin's first method; Li et al. 2016's "convergent learning"): at
 * each hidden boundary, pair network B's neurons with A's so that the summed Pearson correlation of
 * their activations on the same inputs is largest, one exact linear assignment per boundary. Unlike
 * {@link WeightMatching} the boundaries do not couple: the activations are the same whatever the
 * neighbouring permutations.
 *
 * <p>This class is the pure part: it takes activations already computed (running networks on data
 * is the zoo module's). A convolution's channel is one neuron whose samples are every image at every
 * spatial position.
 */
public final class ActivationMatching {

    private ActivationMatching() {}

    /**
     * The permutation aligning B to A.
     *
     * @param spec both networks' architecture
     * @param reference A's activations: element k - 1 is hidden boundary k's, (samples, n_k) row-major
     * @param other B's activations on the same inputs, in the same layout
     * @param signFlips whether a neuron may also be negated (odd activations: a flipped neuron
     *     correlates −1), pairing by |correlation|
     * @return g with g(B)'s neuron i the neuron of B that correlates best with A's neuron i, jointly
     */
    public static Match align(NetworkSpec spec, List<float[]> reference, List<float[]> other, boolean signFlips) {
        int[] n = spec.neuronCounts();
        int hidden = n.length - 2;
        if (reference.size() != hidden || other.size() != hidden) {
            throw new IllegalArgumentException(spec.describe() + " has " + hidden + " hidden boundaries; got activations of "
                    + reference.size() + " and " + other.size());
        }
        int[][] perm = new int[n.length][];
        float[][] sign = new float[n.length][];
        for (int k = 0; k < n.length; k++) {
            perm[k] = identity(n[k]);
            sign[k] = new float[n[k]];
            java.util.Arrays.fill(sign[k], 1f);
        }
        for (int k = 1; k <= hidden; k++) {
            double[][] c = correlation(reference.get(k - 1), other.get(k - 1), n[k]);
            perm[k] = LinearAssignment.maximize(signFlips ? abs(c) : c);
            for (int i = 0; i < n[k]; i++) {
                sign[k][i] = signFlips && c[i][perm[k][i]] < 0 ? -1f : 1f;
            }
        }
        return new Match(PermutationAction.of(spec, perm), signFlips ? ScalingAction.of(spec, sign) : null);
    }

    /**
     * Pearson correlations between the columns of two (samples, n) row-major matrices: entry [i][j]
     * pairs A's column i with B's column j. A constant column (a dead ReLU) correlates 0 with all.
     */
    public static double[][] correlation(float[] a, float[] b, int n) {
        if (a.length != b.length || a.length % n != 0 || a.length == 0) {
            throw new IllegalArgumentException("Activations must be (samples, " + n + ") for both networks; got "
                    + a.length + " and " + b.length + " values");
        }
        int samples = a.length / n;
        double[] meanA = columnMeans(a, n);
        double[] meanB = columnMeans(b, n);
        double[][] cov = new double[n][n];
        double[] varA = new double[n];
        double[] varB = new double[n];
        double[] da = new double[n];
        double[] db = new double[n];
        for (int s = 0; s < samples; s++) {
            int row = s * n;
            for (int i = 0; i < n; i++) {
                da[i] = a[row + i] - meanA[i];
                db[i] = b[row + i] - meanB[i];
                varA[i] += da[i] * da[i];
                varB[i] += db[i] * db[i];
            }
            for (int i = 0; i < n; i++) {
                double x = da[i];
                if (x == 0) {
                    continue;
                }
                double[] c = cov[i];
                for (int j = 0; j < n; j++) {
                    c[j] += x * db[j];
                }
            }
        }
        double[][] corr = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double denominator = Math.sqrt(varA[i] * varB[j]);
                corr[i][j] = denominator > 0 ? cov[i][j] / denominator : 0;
            }
        }
        return corr;
    }

    private static double[] columnMeans(float[] m, int n) {
        double[] mean = new double[n];
        int samples = m.length / n;
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < n; i++) {
                mean[i] += m[s * n + i];
            }
        }
        for (int i = 0; i < n; i++) {
            mean[i] /= samples;
        }
        return mean;
    }

    private static double[][] abs(double[][] m) {
        double[][] out = new double[m.length][m.length == 0 ? 0 : m[0].length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
                out[i][j] = Math.abs(m[i][j]);
            }
        }
        return out;
    }

    /**
     * A matching's result.
     *
     * @param permutation the permutation part
     * @param signs the ±1 factors applied after it, or null without sign flips
     */
    public record Match(PermutationAction permutation, ScalingAction signs) {

        /** The permutation, then the signs: {@code action().applyToFlat(spec, B)} is B aligned to A. */
        public SymmetryAction action() {
            return signs == null ? permutation : permutation.then(signs);
        }
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }
}
