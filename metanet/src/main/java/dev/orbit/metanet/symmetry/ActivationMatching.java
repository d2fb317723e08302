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
     * @return π with π(B)'s neuron i the neuron of B that correlates best with A's neuron i, jointly
     */
    public static PermutationAction align(NetworkSpec spec, List<float[]> reference, List<float[]> other) {
        int[] n = spec.neuronCounts();
        int hidden = n.length - 2;
        if (reference.size() != hidden || other.size() != hidden) {
            throw new IllegalArgumentException(spec.describe() + " has " + hidden + " hidden boundaries; got activations of "
                    + reference.size() + " and " + other.size());
        }
        int[][] perm = new int[n.length][];
        perm[0] = identity(n[0]);
        perm[n.length - 1] = identity(n[n.length - 1]);
        for (int k = 1; k <= hidden; k++) {
            perm[k] = LinearAssignment.maximize(correlation(reference.get(k - 1), other.get(k - 1), n[k]));
        }
        return PermutationAction.of(spec, perm);
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

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }
}
