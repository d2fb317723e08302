package dev.orbit.metanet.symmetry;

import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Weight matching (Ainsworth, Hayase and Srinivasa 2023, "Git Re-Basin"): the hidden-neuron
 * permutation π that brings network B closest to a reference A in weight space, maximising
 * ⟨θ_A, π(θ_B)⟩ (equivalently minimising ‖θ_A − π(θ_B)‖, since π keeps norms), from the weights
 * alone. The problem couples neighbouring layers, so it is solved by coordinate descent: each hidden
 * boundary in turn gets the exact best permutation with the others held fixed (a linear assignment,
 * {@link LinearAssignment}), over rounds in a seeded random order until a round gains nothing.
 *
 * <p>Before the first round a forward sweep fixes boundary 1, 2, ... from incoming weights and
 * biases alone (the input boundary is never permuted, so boundary 1's incoming weights are directly
 * comparable, then boundary 2's once boundary 1 is matched, ...). For a permuted copy of A this sweep
 * already recovers the permutation exactly. Convolution kernels are folded into the weight channels
 * (docs/DESIGN.md §2), so a channel of a CNN is matched like a neuron of an MLP.
 */
public final class WeightMatching {

    private final int maxRounds;
    private final long seed;

    private WeightMatching(Builder builder) {
        this.maxRounds = builder.maxRounds;
        this.seed = builder.seed;
    }

    /** A builder with 100 rounds at most and seed 0. */
    public static Builder builder() {
        return new Builder();
    }

    /** Weight matching with the defaults. */
    public static WeightMatching create() {
        return builder().build();
    }

    /**
     * The permutation aligning {@code other} to {@code reference}.
     *
     * @param spec both networks' architecture
     * @param reference network A's flat canonical weights
     * @param other network B's flat canonical weights
     * @return π with π(B) close to A, and the distances before and after
     */
    public Alignment align(NetworkSpec spec, float[] reference, float[] other) {
        long expected = spec.parameterCount();
        if (reference.length != expected || other.length != expected) {
            throw new IllegalArgumentException("Both networks need " + expected + " weights for " + spec.describe()
                    + "; got " + reference.length + " and " + other.length);
        }
        List<Layer> a = Layer.all(spec, reference);
        List<Layer> b = Layer.all(spec, other);
        int[] n = spec.neuronCounts();
        int[][] perm = new int[n.length][];
        for (int k = 0; k < n.length; k++) {
            perm[k] = identity(n[k]);
        }
        for (int k = 1; k < n.length - 1; k++) { // forward sweep: incoming weights only
            perm[k] = LinearAssignment.maximize(incomingSimilarity(a.get(k - 1), b.get(k - 1), perm[k - 1]));
        }
        int rounds = 0;
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = hiddenBoundaries(n.length);
        boolean improved = order.length > 1; // with one hidden boundary the sweep was exact
        while (improved && rounds < maxRounds) {
            improved = false;
            rounds++;
            shuffle(order, random);
            for (int k : order) {
                double[][] s = incomingSimilarity(a.get(k - 1), b.get(k - 1), perm[k - 1]);
                addOutgoingSimilarity(s, a.get(k), b.get(k), perm[k + 1]);
                int[] best = LinearAssignment.maximize(s);
                double gain = LinearAssignment.total(s, best) - LinearAssignment.total(s, perm[k]);
                if (gain > 1e-9 * Math.max(1.0, Math.abs(LinearAssignment.total(s, perm[k])))) {
                    perm[k] = best;
                    improved = true;
                }
            }
        }
        PermutationAction action = PermutationAction.of(spec, perm);
        return new Alignment(action, rounds, distance(a, b, identityPerms(n)), distance(a, b, perm));
    }

    /**
     * The permutation aligning network {@code index} of {@code other} to network {@code index} of
     * {@code reference} (single-channel features of raw weights).
     */
    public Alignment align(NetworkSpec spec, WeightSpaceFeatures reference, WeightSpaceFeatures other, int index) {
        return align(spec, reference.toFlat(spec).get(index).toFloatArray(), other.toFlat(spec).get(index).toFloatArray());
    }

    /**
     * S[i][j] = ⟨A's incoming weights and bias of neuron i, B's of neuron j with B's inputs
     * permuted by {@code inPerm}⟩, for one layer's output boundary.
     */
    private static double[][] incomingSimilarity(Layer a, Layer b, int[] inPerm) {
        int out = a.spec.outNeurons();
        int in = a.spec.inNeurons();
        int f = a.spec.filterSize();
        double[][] bRows = new double[out][in * f]; // B's rows with columns permuted: (out, in·f)
        for (int j = 0; j < out; j++) {
            for (int c = 0; c < in; c++) {
                int src = inPerm[c];
                for (int t = 0; t < f; t++) {
                    bRows[j][c * f + t] = b.weight(j, src, t);
                }
            }
        }
        double[][] s = new double[out][out];
        for (int i = 0; i < out; i++) {
            double[] aRow = a.row(i);
            for (int j = 0; j < out; j++) {
                s[i][j] = dot(aRow, bRows[j]) + (double) a.bias(i) * b.bias(j);
            }
        }
        return s;
    }

    /**
     * Adds ⟨A's outgoing weights of neuron i, B's of neuron j with B's next-layer neurons permuted
     * by {@code outPerm}⟩, over the layer that reads the boundary.
     */
    private static void addOutgoingSimilarity(double[][] s, Layer a, Layer b, int[] outPerm) {
        int out = a.spec.outNeurons();
        int in = a.spec.inNeurons();
        int f = a.spec.filterSize();
        double[][] aCols = new double[in][out * f]; // (in, out·f)
        double[][] bCols = new double[in][out * f];
        for (int r = 0; r < out; r++) {
            for (int c = 0; c < in; c++) {
                for (int t = 0; t < f; t++) {
                    aCols[c][r * f + t] = a.weight(r, c, t);
                    bCols[c][r * f + t] = b.weight(outPerm[r], c, t);
                }
            }
        }
        for (int i = 0; i < in; i++) {
            for (int j = 0; j < in; j++) {
                s[i][j] += dot(aCols[i], bCols[j]);
            }
        }
    }

    /** ‖θ_A − π(θ_B)‖ over every weight and bias. */
    private static double distance(List<Layer> a, List<Layer> b, int[][] perm) {
        double sum = 0;
        for (int l = 0; l < a.size(); l++) {
            Layer la = a.get(l);
            Layer lb = b.get(l);
            int[] rows = perm[l + 1];
            int[] cols = perm[l];
            for (int i = 0; i < la.spec.outNeurons(); i++) {
                for (int c = 0; c < la.spec.inNeurons(); c++) {
                    for (int t = 0; t < la.spec.filterSize(); t++) {
                        double d = la.weight(i, c, t) - lb.weight(rows[i], cols[c], t);
                        sum += d * d;
                    }
                }
                double d = la.bias(i) - lb.bias(rows[i]);
                sum += d * d;
            }
        }
        return Math.sqrt(sum);
    }

    private static double dot(double[] x, double[] y) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += x[i] * y[i];
        }
        return sum;
    }

    private static int[] hiddenBoundaries(int boundaries) {
        int[] order = new int[Math.max(0, boundaries - 2)];
        for (int i = 0; i < order.length; i++) {
            order[i] = i + 1;
        }
        return order;
    }

    private static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }

    private static int[][] identityPerms(int[] n) {
        int[][] p = new int[n.length][];
        for (int k = 0; k < n.length; k++) {
            p[k] = identity(n[k]);
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

    /** One layer of a flat weight vector, read as W[i][c][t] (t: the folded kernel tap) and b[i]. */
    private static final class Layer {
        final LayerSpec spec;
        final float[] flat;
        final int weightOffset;
        final int biasOffset;

        Layer(LayerSpec spec, float[] flat, int weightOffset) {
            this.spec = spec;
            this.flat = flat;
            this.weightOffset = weightOffset;
            this.biasOffset = weightOffset + Math.toIntExact(spec.weightCount());
        }

        static List<Layer> all(NetworkSpec spec, float[] flat) {
            List<Layer> layers = new ArrayList<>();
            for (int l = 0; l < spec.numLayers(); l++) {
                layers.add(new Layer(spec.layer(l), flat, Math.toIntExact(spec.weightOffset(l))));
            }
            return layers;
        }

        float weight(int out, int in, int tap) {
            // DJL layout (out, in, kh, kw): the taps of one (out, in) pair are contiguous
            return flat[weightOffset + (out * spec.inNeurons() + in) * spec.filterSize() + tap];
        }

        float bias(int out) {
            return flat[biasOffset + out];
        }

        double[] row(int out) {
            int width = spec.inNeurons() * spec.filterSize();
            double[] row = new double[width];
            int start = weightOffset + out * width;
            for (int x = 0; x < width; x++) {
                row[x] = flat[start + x];
            }
            return row;
        }
    }

    /** Options of {@link WeightMatching}. */
    public static final class Builder {
        private int maxRounds = 100;
        private long seed;

        private Builder() {}

        /** At most this many rounds of coordinate descent over the hidden boundaries (default 100). */
        public Builder optMaxRounds(int rounds) {
            if (rounds < 0) {
                throw new IllegalArgumentException("Rounds must not be negative, got " + rounds);
            }
            this.maxRounds = rounds;
            return this;
        }

        /** The seed of the boundary order in each round (default 0). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public WeightMatching build() {
            return new WeightMatching(this);
        }
    }

    /**
     * A matching's result.
     *
     * @param permutation π: apply it to B ({@link PermutationAction#applyToFlat}) to align B to A
     * @param rounds rounds of coordinate descent run after the forward sweep
     * @param distanceBefore ‖θ_A − θ_B‖
     * @param distanceAfter ‖θ_A − π(θ_B)‖
     */
    public record Alignment(PermutationAction permutation, int rounds, double distanceBefore, double distanceAfter) {}
}
