package dev.orbit.metanet.symmetry;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A neuron permutation: one element of S_{n_k} for every boundary k of the network. For CNNs the
 * permuted neurons are channels; global average pooling carries the last convolution's channel
 * order into the dense layer's input axis, so no special case is needed.
 *
 * <p>New neuron i at boundary k is old neuron {@code perm[k][i]}: W_l ← P_l W_l P_{l-1}^T,
 * b_l ← P_l b_l. A symmetry of the network permutes only hidden boundaries; the input and output
 * boundaries may be permuted too (to test NP layers, which treat them as permutable).
 */
public final class PermutationAction implements SymmetryAction {

    private final int[][] perms; // perms[k] for boundary k = 0..L

    private PermutationAction(int[][] perms) {
        this.perms = perms;
    }

    /** A uniformly random permutation of every hidden boundary, drawn from {@code seed}: a symmetry of the network. */
    public static PermutationAction random(NetworkSpec spec, long seed) {
        return random(spec, seed, PermutationGroup.HNP);
    }

    /**
     * A uniformly random element of {@code group}, drawn from {@code seed}. {@link PermutationGroup#NP}
     * permutes the input and output neurons too: not a symmetry of the network, but one of NP layers.
     */
    public static PermutationAction random(NetworkSpec spec, long seed, PermutationGroup group) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] n = spec.neuronCounts();
        int[][] perms = new int[n.length][];
        for (int k = 0; k < n.length; k++) {
            perms[k] = group.permutes(spec, k) ? shuffled(n[k], random) : identity(n[k]);
        }
        return new PermutationAction(perms);
    }

    /** The identity of the network's permutation group. */
    public static PermutationAction identity(NetworkSpec spec) {
        int[] n = spec.neuronCounts();
        int[][] perms = new int[n.length][];
        for (int k = 0; k < n.length; k++) {
            perms[k] = identity(n[k]);
        }
        return new PermutationAction(perms);
    }

    /** An explicit permutation: {@code perms[k]} for every boundary k = 0..L. */
    public static PermutationAction of(NetworkSpec spec, int[][] perms) {
        int[] n = spec.neuronCounts();
        if (perms.length != n.length) {
            throw new IllegalArgumentException("Need a permutation for each of the " + n.length + " boundaries");
        }
        int[][] copy = new int[n.length][];
        for (int k = 0; k < n.length; k++) {
            copy[k] = checkPermutation(perms[k], n[k], k);
        }
        return new PermutationAction(copy);
    }

    /**
     * The negative control: permutes the rows of W_l and b_l at hidden boundary {@code boundary}
     * (from {@code seed}) but not the matching columns of W_{l+1}. Not a symmetry of anything: a
     * network's function changes and an equivariant layer does not commute with it.
     */
    public static SymmetryAction uncoupled(NetworkSpec spec, int boundary, long seed) {
        if (!spec.isPermutable(boundary)) {
            throw new IllegalArgumentException("Boundary " + boundary + " is not hidden");
        }
        int[] perm = shuffled(spec.neuronCounts()[boundary], new SplittableRandom(seed));
        return new SymmetryAction() {
            @Override
            public WeightSpaceFeatures apply(WeightSpaceFeatures f) {
                List<NDArray> w = new ArrayList<>(f.weights());
                List<NDArray> b = new ArrayList<>(f.biases());
                NDArray index = indexArray(f.weight(0).getManager(), perm);
                w.set(boundary - 1, take(w.get(boundary - 1), index, 1)); // rows only, columns of W_{l+1} stay
                b.set(boundary - 1, take(b.get(boundary - 1), index, 1));
                return WeightSpaceFeatures.of(w, b);
            }

            @Override
            public SymmetryAction inverse() {
                throw new UnsupportedOperationException("The uncoupled control is only applied");
            }
        };
    }

    /** The permutation at boundary k (new neuron i is old neuron {@code result[i]}). */
    public int[] permutation(int boundary) {
        return perms[boundary].clone();
    }

    @Override
    public WeightSpaceFeatures apply(WeightSpaceFeatures f) {
        if (f.numLayers() + 1 != perms.length) {
            throw new IllegalArgumentException(
                    "Features have " + f.numLayers() + " layers, the action " + (perms.length - 1));
        }
        NDManager manager = f.weight(0).getManager();
        List<NDArray> w = new ArrayList<>();
        List<NDArray> b = new ArrayList<>();
        for (int l = 0; l < f.numLayers(); l++) {
            NDArray rows = indexArray(manager, perms[l + 1]);
            NDArray cols = indexArray(manager, perms[l]);
            // (B, n_l, n_{l-1}, C): take rows on axis 1, columns on axis 2
            w.add(take(take(f.weight(l), rows, 1), cols, 2));
            b.add(take(f.bias(l), rows, 1)); // (B, n_l, C)
        }
        return WeightSpaceFeatures.of(w, b);
    }

    @Override
    public PermutationAction inverse() {
        int[][] inv = new int[perms.length][];
        for (int k = 0; k < perms.length; k++) {
            inv[k] = new int[perms[k].length];
            for (int i = 0; i < perms[k].length; i++) {
                inv[k][perms[k][i]] = i;
            }
        }
        return new PermutationAction(inv);
    }

    /** The permutation "this, then {@code next}", itself a permutation. */
    public PermutationAction then(PermutationAction next) {
        int[][] out = new int[perms.length][];
        for (int k = 0; k < perms.length; k++) {
            out[k] = new int[perms[k].length];
            for (int i = 0; i < out[k].length; i++) {
                out[k][i] = perms[k][next.perms[k][i]];
            }
        }
        return new PermutationAction(out);
    }

    private static NDArray take(NDArray array, NDArray index, int axis) {
        // DJL's get(NDArray) indexes the first axis: move the axis to the front and back.
        NDArray moved = array.swapAxes(0, axis);
        return moved.get(index).swapAxes(0, axis);
    }

    private static NDArray indexArray(NDManager manager, int[] perm) {
        long[] idx = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            idx[i] = perm[i];
        }
        return manager.create(idx);
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        int[] p = identity(n);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    private static int[] checkPermutation(int[] perm, int n, int boundary) {
        boolean[] seen = new boolean[n];
        if (perm.length != n) {
            throw new IllegalArgumentException("Boundary " + boundary + " has " + n + " neurons, permutation has " + perm.length);
        }
        for (int v : perm) {
            if (v < 0 || v >= n || seen[v]) {
                throw new IllegalArgumentException("Boundary " + boundary + ": not a permutation of 0.." + (n - 1));
            }
            seen[v] = true;
        }
        return perm.clone();
    }
}
