package dev.orbit.metanet.symmetry;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import java.util.ArrayList;
import java.util.List;

/**
 * One symmetry element per network of a batch (an element of G^B): network b is permuted by its own
 * {@link PermutationAction}, then rescaled by its own {@link ScalingAction}. Equal, network by
 * network, to applying each element to a batch of one, but done in one gather and one product per
 * tensor, so augmenting a batch costs a few engine calls instead of a few per network.
 */
public final class PerNetworkAction implements SymmetryAction {

    private final int[][][] perms; // [network][boundary k = 0..L][new neuron] = old neuron
    private final float[][][] factors; // [network][boundary][neuron], or null when no network is rescaled

    private PerNetworkAction(int[][][] perms, float[][][] factors) {
        this.perms = perms;
        this.factors = factors;
    }

    /**
     * The batch action "network b: {@code permutations.get(b)}, then {@code scalings.get(b)}".
     *
     * @param spec the architecture every network of the batch has
     * @param scalings one per network, an entry null for no rescaling; or null for none at all
     */
    public static PerNetworkAction of(NetworkSpec spec, List<PermutationAction> permutations, List<ScalingAction> scalings) {
        if (permutations.isEmpty()) {
            throw new IllegalArgumentException("A batch action needs at least one network");
        }
        if (scalings != null && scalings.size() != permutations.size()) {
            throw new IllegalArgumentException(permutations.size() + " permutations but " + scalings.size() + " scalings");
        }
        int batch = permutations.size();
        int[] neurons = spec.neuronCounts();
        int boundaries = neurons.length;
        int[][][] perms = new int[batch][boundaries][];
        boolean rescaled = scalings != null && scalings.stream().anyMatch(s -> s != null);
        float[][][] factors = rescaled ? new float[batch][boundaries][] : null;
        for (int b = 0; b < batch; b++) {
            PermutationAction p = permutations.get(b);
            ScalingAction s = rescaled ? scalings.get(b) : null;
            for (int k = 0; k < boundaries; k++) {
                perms[b][k] = p.permutation(k);
                if (perms[b][k].length != neurons[k]) {
                    throw new IllegalArgumentException("Network " + b + "'s permutation has " + perms[b][k].length
                            + " neurons at boundary " + k + ", the spec " + neurons[k]);
                }
                if (rescaled) {
                    factors[b][k] = s != null ? s.factors(k) : ones(perms[b][k].length);
                    if (factors[b][k].length != perms[b][k].length) {
                        throw new IllegalArgumentException("Network " + b + ": its scaling and permutation differ at boundary " + k);
                    }
                }
            }
        }
        return new PerNetworkAction(perms, factors);
    }

    /** Networks in the batch this action moves. */
    public int batchSize() {
        return perms.length;
    }

    @Override
    public WeightSpaceFeatures apply(WeightSpaceFeatures f) {
        if (f.batchSize() != perms.length || f.numLayers() + 1 != perms[0].length) {
            throw new IllegalArgumentException("Features of " + f.batchSize() + " networks with " + f.numLayers()
                    + " layers; the action is for " + perms.length + " networks with " + (perms[0].length - 1));
        }
        NDManager manager = f.weight(0).getManager();
        List<NDArray> w = new ArrayList<>();
        List<NDArray> b = new ArrayList<>();
        for (int l = 0; l < f.numLayers(); l++) {
            NDArray weight = f.weight(l); // (B, n, m, C)
            NDArray bias = f.bias(l); // (B, n, C)
            Shape ws = weight.getShape();
            Shape bs = bias.getShape();
            NDArray movedW = weight.reshape(-1, ws.get(3)).get(manager.create(weightIndex(l))).reshape(ws);
            NDArray movedB = bias.reshape(-1, bs.get(2)).get(manager.create(biasIndex(l))).reshape(bs);
            if (factors != null) {
                NDArray rowScale = manager.create(scales(l + 1, false), new Shape(ws.get(0), ws.get(1), 1, 1)); // (B, n, 1, 1)
                NDArray colScale = manager.create(scales(l, true), new Shape(ws.get(0), 1, ws.get(2), 1)); // (B, 1, m, 1)
                movedW = movedW.mul(rowScale).mul(colScale);
                movedB = movedB.mul(rowScale.reshape(ws.get(0), ws.get(1), 1));
            }
            w.add(movedW);
            b.add(movedB);
        }
        return WeightSpaceFeatures.of(w, b);
    }

    /**
     * The per-network inverses. Undoing "permute by p, then scale by f" is "permute by p⁻¹, then
     * scale neuron i by 1 / f[p⁻¹(i)]": the factor travels with its neuron.
     */
    @Override
    public PerNetworkAction inverse() {
        int[][][] inv = new int[perms.length][perms[0].length][];
        float[][][] invFactors = factors == null ? null : new float[perms.length][perms[0].length][];
        for (int b = 0; b < perms.length; b++) {
            for (int k = 0; k < perms[b].length; k++) {
                int[] p = perms[b][k];
                inv[b][k] = new int[p.length];
                for (int i = 0; i < p.length; i++) {
                    inv[b][k][p[i]] = i;
                }
                if (factors != null) {
                    invFactors[b][k] = new float[p.length];
                    for (int i = 0; i < p.length; i++) {
                        invFactors[b][k][i] = 1f / factors[b][k][inv[b][k][i]];
                    }
                }
            }
        }
        return new PerNetworkAction(inv, invFactors);
    }

    /** Flat gather index into (B * n * m) rows: entry (b, i, j) is (b, perm_out[i], perm_in[j]). */
    private long[] weightIndex(int layer) {
        int n = perms[0][layer + 1].length;
        int m = perms[0][layer].length;
        long[] index = new long[perms.length * n * m];
        int pos = 0;
        for (int b = 0; b < perms.length; b++) {
            int[] out = perms[b][layer + 1];
            int[] in = perms[b][layer];
            for (int i = 0; i < n; i++) {
                long row = ((long) b * n + out[i]) * m;
                for (int j = 0; j < m; j++) {
                    index[pos++] = row + in[j];
                }
            }
        }
        return index;
    }

    /** Flat gather index into (B * n) rows: entry (b, i) is (b, perm_out[i]). */
    private long[] biasIndex(int layer) {
        int n = perms[0][layer + 1].length;
        long[] index = new long[perms.length * n];
        for (int b = 0; b < perms.length; b++) {
            for (int i = 0; i < n; i++) {
                index[b * n + i] = (long) b * n + perms[b][layer + 1][i];
            }
        }
        return index;
    }

    /** The factors at one boundary for every network, (B * n_k), or their reciprocals. */
    private float[] scales(int boundary, boolean reciprocal) {
        int n = factors[0][boundary].length;
        float[] out = new float[factors.length * n];
        for (int b = 0; b < factors.length; b++) {
            for (int i = 0; i < n; i++) {
                float f = factors[b][boundary][i];
                out[b * n + i] = reciprocal ? 1f / f : f;
            }
        }
        return out;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }
}
