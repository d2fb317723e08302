package dev.orbit.zoo.train;

import dev.orbit.metanet.space.LayerKind;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.Hyperparameters;
import dev.orbit.zoo.space.Seeds;
import java.util.SplittableRandom;

/**
 * A member's initial parameters, drawn on the host from its seed in the canonical flat order
 * (W_0, b_0, W_1, b_1, ..., DJL layouts), following Keras' initialisers: {@code normal} N(0, std²);
 * {@code truncated_normal} the same, redrawn beyond two std; {@code glorot_normal} and
 * {@code he_normal} truncated normals with std {@code sqrt(2 / (fanIn + fanOut)) / 0.8796} and
 * {@code sqrt(2 / fanIn) / 0.8796}; {@code orthogonal} (gain 1) orthonormal rows or columns of the
 * (out, in·kh·kw) matrix. Biases are the constant {@code biasInit}.
 */
final class InitialWeights {

    static final long INIT_STREAM = 0x1417L;
    /** Std of a standard normal truncated at ±2, which variance-scaling initialisers divide by. */
    private static final double TRUNCATED_STD = 0.87962566103423978;

    private InitialWeights() {}

    static float[] sample(NetworkSpec spec, Hyperparameters hp) {
        float[] flat = new float[Math.toIntExact(spec.parameterCount())];
        SplittableRandom random = new SplittableRandom(Seeds.mix(hp.seed(), INIT_STREAM));
        int offset = 0;
        for (LayerSpec layer : spec.layers()) {
            int rows = layer.outNeurons();
            int cols = layer.inNeurons() * layer.filterSize();
            int receptive = layer.kind() == LayerKind.CONV2D ? layer.filterSize() : 1;
            double fanIn = layer.inNeurons() * (double) receptive;
            double fanOut = layer.outNeurons() * (double) receptive;
            switch (hp.weightInit()) {
                case "normal":
                    for (int i = 0; i < rows * cols; i++) {
                        flat[offset + i] = (float) (hp.initStd() * random.nextGaussian());
                    }
                    break;
                case "truncated_normal":
                    fillTruncated(flat, offset, rows * cols, hp.initStd(), random);
                    break;
                case "glorot_normal":
                    fillTruncated(flat, offset, rows * cols, Math.sqrt(2.0 / (fanIn + fanOut)) / TRUNCATED_STD, random);
                    break;
                case "he_normal":
                    fillTruncated(flat, offset, rows * cols, Math.sqrt(2.0 / fanIn) / TRUNCATED_STD, random);
                    break;
                case "orthogonal":
                    fillOrthogonal(flat, offset, rows, cols, random);
                    break;
                default:
                    throw new IllegalArgumentException("Unknown weight initialiser '" + hp.weightInit()
                            + "'; expected normal, truncated_normal, glorot_normal, he_normal or orthogonal");
            }
            offset += rows * cols;
            java.util.Arrays.fill(flat, offset, offset + rows, (float) hp.biasInit());
            offset += rows;
        }
        return flat;
    }

    private static void fillTruncated(float[] out, int offset, int count, double std, SplittableRandom random) {
        for (int i = 0; i < count; i++) {
            double z;
            do {
                z = random.nextGaussian();
            } while (Math.abs(z) > 2.0);
            out[offset + i] = (float) (std * z);
        }
    }

    /** Gram-Schmidt on a Gaussian matrix: orthonormal rows if rows <= cols, else orthonormal columns. */
    private static void fillOrthogonal(float[] out, int offset, int rows, int cols, SplittableRandom random) {
        int k = Math.min(rows, cols);
        int n = Math.max(rows, cols);
        double[][] q = new double[k][n]; // k orthonormal vectors of length n
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                q[i][j] = random.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) { // twice, for numerical orthogonality
                for (int p = 0; p < i; p++) {
                    double dot = 0;
                    for (int j = 0; j < n; j++) {
                        dot += q[i][j] * q[p][j];
                    }
                    for (int j = 0; j < n; j++) {
                        q[i][j] -= dot * q[p][j];
                    }
                }
            }
            double norm = 0;
            for (int j = 0; j < n; j++) {
                norm += q[i][j] * q[i][j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < n; j++) {
                q[i][j] /= norm;
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[offset + r * cols + c] = (float) (rows <= cols ? q[r][c] : q[c][r]);
            }
        }
    }
}
