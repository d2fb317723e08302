package dev.orbit.metanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The pooled quantities an equivariant linear layer mixes (NFN, Zhou et al. 2023, §3), computed
 * once per forward pass and shared by every layer's terms.
 *
 * <ul>
 *   <li><b>Neuron features</b> N_k (B, n_k, D_k) for each permutable boundary k: what neuron i at
 *       boundary k sees of the network, in this order: the mean of its incoming weights (row i of
 *       W_{k-1}), its bias b_{k-1}[i], its whole incoming row when the previous boundary is fixed,
 *       the mean of its outgoing weights (column i of W_k), its whole outgoing column when the next
 *       boundary is fixed. A permutation of boundary k permutes N_k's neuron axis and nothing else.
 *   <li><b>The global vector</b> g (B, D_g): the mean of every W_l, then of every b_l, over their
 *       neuron axes, then the neuron features of every fixed boundary (HNP's input and output),
 *       flattened. Every entry is invariant.
 * </ul>
 *
 * <p>Folding a fixed neuron axis into channels (HNP) is channel-major, {@code c * n + i}, as in NFN,
 * so parameters map one to one onto NFN's.
 */
final class PooledQuantities {

    /** What a segment of N_k or g holds. */
    enum Quantity {
        /** Mean of a neuron's incoming weights: W_l averaged over its input axis, indexed by output neuron. */
        INCOMING_MEAN,
        /** A neuron's bias b_l, indexed by output neuron. */
        BIAS,
        /** A neuron's incoming row of W_l with the fixed input axis folded into channels. */
        INCOMING,
        /** Mean of a neuron's outgoing weights: W_l averaged over its output axis, indexed by input neuron. */
        OUTGOING_MEAN,
        /** A neuron's outgoing column of W_l with the fixed output axis folded into channels. */
        OUTGOING,
        /** Mean of W_l over both neuron axes (global only). */
        WEIGHT_MEAN,
        /** Mean of b_l over its neurons (global only). */
        BIAS_MEAN
    }

    /**
     * A contiguous block of feature channels: {@code quantity} of weight/bias {@code layer}. In the
     * global vector a neuron quantity is flattened over its (fixed) neurons and {@code width} counts
     * them all.
     */
    record Segment(Quantity quantity, int layer, int width) {}

    /** One forward pass's pooled values. */
    record Values(List<NDArray> neurons, NDArray global) {
        /** N_k (B, n_k, D_k) of a permutable boundary k. */
        NDArray neurons(int boundary) {
            return neurons.get(boundary);
        }
    }

    private final NetworkSpec spec;
    private final PermutationGroup permutable;
    private final int[] neuronCounts;
    private final List<List<Segment>> neuronSegments = new ArrayList<>();
    private final List<Segment> globalSegments = new ArrayList<>();

    PooledQuantities(NetworkSpec spec, int channels, PermutationGroup permutable) {
        this.spec = spec;
        this.permutable = permutable;
        this.neuronCounts = spec.neuronCounts();
        int layers = spec.numLayers();
        for (int k = 0; k <= layers; k++) {
            neuronSegments.add(Collections.unmodifiableList(segmentsOfBoundary(k, channels)));
        }
        for (int l = 0; l < layers; l++) {
            globalSegments.add(new Segment(Quantity.WEIGHT_MEAN, l, weightChannels(l, channels)));
        }
        for (int l = 0; l < layers; l++) {
            globalSegments.add(new Segment(Quantity.BIAS_MEAN, l, channels));
        }
        for (int k = 0; k <= layers; k++) {
            if (!isPermutable(k)) {
                for (Segment s : neuronSegments.get(k)) {
                    globalSegments.add(new Segment(s.quantity(), s.layer(), s.width() * neuronCounts[k]));
                }
            }
        }
    }

    private List<Segment> segmentsOfBoundary(int k, int channels) {
        List<Segment> segments = new ArrayList<>();
        int layers = spec.numLayers();
        boolean here = isPermutable(k);
        if (k > 0) {
            int l = k - 1; // the layer whose output neurons sit at boundary k
            segments.add(new Segment(Quantity.INCOMING_MEAN, l, weightChannels(l, channels)));
            segments.add(new Segment(Quantity.BIAS, l, channels));
            if (here && !isPermutable(k - 1)) {
                segments.add(new Segment(Quantity.INCOMING, l, weightChannels(l, channels) * neuronCounts[k - 1]));
            }
        }
        if (k < layers) {
            int l = k; // the layer whose input neurons sit at boundary k
            segments.add(new Segment(Quantity.OUTGOING_MEAN, l, weightChannels(l, channels)));
            if (here && !isPermutable(k + 1)) {
                segments.add(new Segment(Quantity.OUTGOING, l, weightChannels(l, channels) * neuronCounts[k + 1]));
            }
        }
        return segments;
    }

    private int weightChannels(int layer, int channels) {
        return channels * spec.layer(layer).filterSize();
    }

    boolean isPermutable(int boundary) {
        return permutable.permutes(spec, boundary);
    }

    /** The segments of N_k, in channel order. */
    List<Segment> neuronSegments(int boundary) {
        return neuronSegments.get(boundary);
    }

    /** D_k, the width of N_k. */
    int neuronWidth(int boundary) {
        return width(neuronSegments.get(boundary));
    }

    /** The segments of g, in channel order. */
    List<Segment> globalSegments() {
        return Collections.unmodifiableList(globalSegments);
    }

    /** D_g, the width of g. */
    int globalWidth() {
        return width(globalSegments);
    }

    private static int width(List<Segment> segments) {
        int total = 0;
        for (Segment s : segments) {
            total += s.width();
        }
        return total;
    }

    /** Computes N_k for every permutable boundary (null for fixed ones) and g. */
    Values compute(WeightSpaceFeatures x) {
        int layers = spec.numLayers();
        long batch = x.batchSize();
        List<NDArray> incomingMeans = new ArrayList<>();
        List<NDArray> outgoingMeans = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            NDArray w = x.weight(l); // (B, n_{l+1}, n_l, C_l)
            incomingMeans.add(w.mean(new int[] {2})); // (B, n_{l+1}, C_l)
            outgoingMeans.add(w.mean(new int[] {1})); // (B, n_l, C_l)
        }
        List<NDArray> neurons = new ArrayList<>();
        NDList global = new NDList();
        for (int l = 0; l < layers; l++) {
            global.add(outgoingMeans.get(l).mean(new int[] {1})); // (B, C_l)
        }
        for (int l = 0; l < layers; l++) {
            global.add(x.bias(l).mean(new int[] {1})); // (B, C)
        }
        for (int k = 0; k <= layers; k++) {
            NDList parts = new NDList();
            for (Segment s : neuronSegments.get(k)) {
                parts.add(neuronSegment(s, x, incomingMeans, outgoingMeans)); // (B, n_k, width)
            }
            if (isPermutable(k)) {
                // Not NDArrays.concat for one part: it returns a duplicate() cut off from autograd, and
                // NP's input boundary has one segment (each input neuron's mean outgoing weight): W_0 lost its gradient.
                neurons.add(parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 2)); // (B, n_k, D_k)
            } else {
                neurons.add(null);
                for (NDArray part : parts) {
                    global.add(part.transpose(0, 2, 1).reshape(batch, -1)); // (B, width * n_k), channel-major
                }
            }
        }
        return new Values(Collections.unmodifiableList(neurons), NDArrays.concat(global, 1)); // g: (B, D_g)
    }

    private static NDArray neuronSegment(
            Segment s, WeightSpaceFeatures x, List<NDArray> incomingMeans, List<NDArray> outgoingMeans) {
        NDArray w = x.weight(s.layer()); // (B, n_out, n_in, C_l)
        long batch = w.getShape().get(0);
        long nOut = w.getShape().get(1);
        long nIn = w.getShape().get(2);
        switch (s.quantity()) {
            case INCOMING_MEAN:
                return incomingMeans.get(s.layer()); // (B, n_out, C_l)
            case BIAS:
                return x.bias(s.layer()); // (B, n_out, C)
            case INCOMING:
                return w.transpose(0, 1, 3, 2).reshape(batch, nOut, -1); // (B, n_out, C_l * n_in)
            case OUTGOING_MEAN:
                return outgoingMeans.get(s.layer()); // (B, n_in, C_l)
            case OUTGOING:
                return w.transpose(0, 2, 3, 1).reshape(batch, nIn, -1); // (B, n_in, C_l * n_out)
            default:
                throw new IllegalStateException("Not a neuron quantity: " + s.quantity());
        }
    }
}
