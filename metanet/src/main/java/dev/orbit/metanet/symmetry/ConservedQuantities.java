package dev.orbit.metanet.symmetry;

import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;

/**
 * The quantities gradient flow conserves because of positive scaling (Du, Hu and Lee 2018; Zhao et
 * al. 2023, "Improving convergence and generalization using parameter symmetries"): for a hidden
 * neuron i behind a positively homogeneous activation (ReLU), the loss is unchanged when its incoming
 * weights and bias are multiplied by a &gt; 0 and its outgoing weights divided by a, so
 * ⟨∇_in L, w_in⟩ = ⟨∇_out L, w_out⟩ and
 *
 * <pre>  Q_i = ‖w_in,i‖² + b_i² − ‖w_out,i‖²  </pre>
 *
 * has zero time derivative under gradient flow. Discrete steps change it by O(lr²) per step; weight
 * decay, momentum and adaptive optimisers (Adam) change it at first order. The drift of Q over a run
 * is therefore a diagnostic: near zero means plain small-step gradient descent, large means one of
 * the others (or a bug in a gradient). A convolution's weights count every kernel tap.
 */
public final class ConservedQuantities {

    private ConservedQuantities() {}

    /**
     * Q for every hidden neuron.
     *
     * @param spec the architecture
     * @param flat flat canonical weights
     * @return {@code q[k - 1][i]} for hidden boundary k = 1..L-1 and its neuron i
     */
    public static double[][] of(NetworkSpec spec, float[] flat) {
        if (flat.length != spec.parameterCount()) {
            throw new IllegalArgumentException(spec.describe() + " has " + spec.parameterCount() + " weights, got "
                    + flat.length);
        }
        int[] n = spec.neuronCounts();
        double[][] q = new double[Math.max(0, n.length - 2)][];
        for (int k = 1; k < n.length - 1; k++) {
            q[k - 1] = new double[n[k]];
            LayerSpec in = spec.layer(k - 1);
            int inOffset = Math.toIntExact(spec.weightOffset(k - 1));
            int rowWidth = in.inNeurons() * in.filterSize();
            int biasOffset = inOffset + Math.toIntExact(in.weightCount());
            LayerSpec out = spec.layer(k);
            int outOffset = Math.toIntExact(spec.weightOffset(k));
            int taps = out.filterSize();
            for (int i = 0; i < n[k]; i++) {
                double sum = 0;
                for (int x = 0; x < rowWidth; x++) {
                    double w = flat[inOffset + i * rowWidth + x];
                    sum += w * w;
                }
                double b = flat[biasOffset + i];
                sum += b * b;
                for (int r = 0; r < out.outNeurons(); r++) {
                    for (int t = 0; t < taps; t++) {
                        double w = flat[outOffset + (r * out.inNeurons() + i) * taps + t];
                        sum -= w * w;
                    }
                }
                q[k - 1][i] = sum;
            }
        }
        return q;
    }

    /**
     * How far Q moved between two checkpoints of one network: max over neurons of |Q_after − Q_before|,
     * relative to the mean of ‖w_in‖² + b² + ‖w_out‖² at the start (the scale Q is a difference of).
     */
    public static double relativeDrift(NetworkSpec spec, float[] before, float[] after) {
        double[][] q0 = of(spec, before);
        double[][] q1 = of(spec, after);
        double worst = 0;
        for (int k = 0; k < q0.length; k++) {
            for (int i = 0; i < q0[k].length; i++) {
                worst = Math.max(worst, Math.abs(q1[k][i] - q0[k][i]));
            }
        }
        double scale = meanNeuronMass(spec, before);
        return scale > 0 ? worst / scale : worst;
    }

    /** Mean over hidden neurons of ‖w_in‖² + b² + ‖w_out‖². */
    private static double meanNeuronMass(NetworkSpec spec, float[] flat) {
        double total = 0;
        int neurons = 0;
        int[] n = spec.neuronCounts();
        for (int k = 1; k < n.length - 1; k++) {
            neurons += n[k];
        }
        // ‖in‖² + b² + ‖out‖² = Q with the outgoing sign flipped: sum the squares of both layers around each boundary.
        for (int k = 1; k < n.length - 1; k++) {
            for (int l : new int[] {k - 1, k}) {
                int from = Math.toIntExact(spec.weightOffset(l));
                int to = from + Math.toIntExact(l == k - 1 ? spec.layer(l).parameterCount() : spec.layer(l).weightCount());
                for (int x = from; x < to; x++) {
                    total += (double) flat[x] * flat[x];
                }
            }
        }
        return neurons == 0 ? 0 : total / neurons;
    }
}
