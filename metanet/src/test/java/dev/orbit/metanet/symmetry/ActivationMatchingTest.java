package dev.orbit.metanet.symmetry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Activation matching on given activations: the pure half (running networks is tested in the zoo module). */
class ActivationMatchingTest {

    private static final NetworkSpec SPEC = NetworkSpec.mlp(ActivationKind.RELU, 5, 12, 16, 3);

    @Test
    void pairsNeuronsWhoseActivationsAreTheSameUpToNoiseAndScale() {
        Random random = new Random(3);
        PermutationAction hidden = PermutationAction.random(SPEC, 9);
        List<float[]> a = List.of(random(200, 12, random), random(200, 16, random));
        List<float[]> b = List.of(moved(a.get(0), hidden.permutation(1), random), moved(a.get(1), hidden.permutation(2), random));
        PermutationAction found = ActivationMatching.align(SPEC, a, b, false).permutation();
        assertArrayEquals(hidden.inverse().permutation(1), found.permutation(1));
        assertArrayEquals(hidden.inverse().permutation(2), found.permutation(2));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, found.permutation(0));
        // Negative control: unrelated activations do not give the hidden permutation.
        PermutationAction unrelated = ActivationMatching.align(SPEC, a,
                List.of(random(200, 12, random), random(200, 16, random)), false).permutation();
        assertFalse(Arrays.equals(hidden.inverse().permutation(2), unrelated.permutation(2)));
    }

    @Test
    void aConstantNeuronCorrelatesWithNothing() {
        float[] a = {1, 5, 2, 5, 3, 5};
        float[] b = {2, 0, 4, 1, 6, 2};
        double[][] c = ActivationMatching.correlation(a, b, 2);
        assertEquals(1.0, c[0][0], 1e-12);
        assertEquals(0.0, c[1][0], 0.0);
        assertEquals(0.0, c[1][1], 0.0);
    }

    private static float[] random(int samples, int n, Random random) {
        float[] m = new float[samples * n];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) Math.max(0, random.nextGaussian()); // ReLU-like
        }
        return m;
    }

    /** Columns permuted as a network permuted by {@code perm} would have them, rescaled, plus noise. */
    private static float[] moved(float[] m, int[] perm, Random random) {
        int n = perm.length;
        float[] out = new float[m.length];
        for (int s = 0; s < m.length / n; s++) {
            for (int j = 0; j < n; j++) {
                out[s * n + j] = 2.5f * m[s * n + perm[j]] + 0.05f * (float) random.nextGaussian();
            }
        }
        return out;
    }
}
