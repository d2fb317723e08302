package dev.orbit.metanet.symmetry;

import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>With sign flips (for odd activations: tanh, sine) a neuron may also be negated: flipping B's
 * neuron j negates every term of its similarity with A's neuron i, so each step assigns on |S| and
 * flips where S &lt; 0. The result is then a permutation followed by a {@link ScalingAction} of ±1.
 */
public final class WeightMatching {

    private final int maxRounds;
    private final long seed;
    private final Boolean signFlips; // null: when every hidden activation is odd

    private WeightMatching(Builder builder) {
        this.maxRounds = builder.maxRounds;
        this.seed = builder.seed;
        this.signFlips = builder.signFlips;
    }

    /** A builder with 100 rounds at most, seed 0 and sign flips where the activations allow them. */
    public static Builder builder() {
        return new Builder();
    }

    /** Weight matching with the defaults. */
    public static WeightMatching create() {
        return builder().build();
    }

    /**
     * The symmetry aligning {@code other} to {@code reference}.
     *
     * @param spec both networks' architecture
     * @param reference network A's flat canonical weights
     * @param other network B's flat canonical weights
     * @return g with g(B) close to A, and the distances before and after
     */
    public Alignment align(NetworkSpec spec, float[] reference, float[] other) {
        long expected = spec.parameterCount();
        if (reference.length != expected || other.length != expected) {
            throw new IllegalArgumentException("Both networks need " + expected + " weights for " + spec.describe()
                    + "; got " + reference.length + " and " + other.length);
        }
        boolean flips = signFlips != null ? signFlips : allHiddenOdd(spec);
        if (flips && !allHiddenOdd(spec)) {
            throw new IllegalArgumentException("Sign flips are no symmetry of " + spec.describe()
                    + ": its hidden activations are not odd.");
        }
        List<Layer> a = Layer.all(spec, reference);
        List<Layer> b = Layer.all(spec, other);
        int[] n = spec.neuronCounts();
        Transform t = Transform.identity(n);
        for (int k = 1; k < n.length - 1; k++) { // forward sweep: incoming weights only
            step(t, k, incomingSimilarity(a.get(k - 1), b.get(k - 1), t.perm[k - 1], t.sign[k - 1]), flips);
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
                double[][] s = incomingSimilarity(a.get(k - 1), b.get(k - 1), t.perm[k - 1], t.sign[k - 1]);
                addOutgoingSimilarity(s, a.get(k), b.get(k), t.perm[k + 1], t.sign[k + 1]);
                improved |= step(t, k, s, flips);
            }
        }
        ScalingAction signs = flips ? ScalingAction.of(spec, t.sign) : null;
        return new Alignment(PermutationAction.of(spec, t.perm), signs, rounds, distance(a, b, Transform.identity(n)),
                distance(a, b, t));
    }

    /**
     * The symmetry aligning network {@code index} of {@code other} to network {@code index} of
     * {@code reference} (single-channel features of raw weights).
     */
    public Alignment align(NetworkSpec spec, WeightSpaceFeatures reference, WeightSpaceFeatures other, int index) {
        return align(spec, reference.toFlat(spec).get(index).toFloatArray(), other.toFlat(spec).get(index).toFloatArray());
    }

    /**
     * Re-assigns boundary k by S (rows: A's neurons, columns: B's), keeping the old assignment unless
     * the new one gains more than rounding; true when it changed.
     */
    private static boolean step(Transform t, int k, double[][] s, boolean flips) {
        double[][] gain = flips ? abs(s) : s;
        int[] best = LinearAssignment.maximize(gain);
        double now = 0;
        for (int i = 0; i < best.length; i++) {
            now += t.sign[k][i] * s[i][t.perm[k][i]];
        }
        double next = LinearAssignment.total(gain, best);
        if (next - now <= 1e-9 * Math.max(1.0, Math.abs(now))) {
            return false;
        }
        t.perm[k] = best;
        for (int i = 0; i < best.length; i++) {
            t.sign[k][i] = flips && s[i][best[i]] < 0 ? -1f : 1f;
        }
        return true;
    }

    /**
     * S[i][j] = ⟨A's incoming weights and bias of neuron i, B's of neuron j with B's inputs
     * transformed by the boundary below⟩, for one layer's output boundary.
     */
    private static double[][] incomingSimilarity(Layer a, Layer b, int[] inPerm, float[] inSign) {
        int out = a.spec.outNeurons();
        int in = a.spec.inNeurons();
        int f = a.spec.filterSize();
        double[][] bRows = new double[out][in * f]; // B's rows with columns transformed: (out, in·f)
        for (int j = 0; j < out; j++) {
            for (int c = 0; c < in; c++) {
                int src = inPerm[c];
                for (int tap = 0; tap < f; tap++) {
                    bRows[j][c * f + tap] = inSign[c] * b.weight(j, src, tap);
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
     * Adds ⟨A's outgoing weights of neuron i, B's of neuron j with B's next-layer neurons
     * transformed by the boundary above⟩, over the layer that reads the boundary.
     */
    private static void addOutgoingSimilarity(double[][] s, Layer a, Layer b, int[] outPerm, float[] outSign) {
        int out = a.spec.outNeurons();
        int in = a.spec.inNeurons();
        int f = a.spec.filterSize();
        double[][] aCols = new double[in][out * f]; // (in, out·f)
        double[][] bCols = new double[in][out * f];
        for (int r = 0; r < out; r++) {
            for (int c = 0; c < in; c++) {
                for (int tap = 0; tap < f; tap++) {
                    aCols[c][r * f + tap] = a.weight(r, c, tap);
                    bCols[c][r * f + tap] = outSign[r] * b.weight(outPerm[r], c, tap);
                }
            }
        }
        for (int i = 0; i < in; i++) {
            for (int j = 0; j < in; j++) {
                s[i][j] += dot(aCols[i], bCols[j]);
            }
        }
    }

    /** ‖θ_A − g(θ_B)‖ over every weight and bias. */
    private static double distance(List<Layer> a, List<Layer> b, Transform t) {
        double sum = 0;
        for (int l = 0; l < a.size(); l++) {
            Layer la = a.get(l);
            Layer lb = b.get(l);
            int[] rows = t.perm[l + 1];
            int[] cols = t.perm[l];
            for (int i = 0; i < la.spec.outNeurons(); i++) {
                float rowSign = t.sign[l + 1][i];
                for (int c = 0; c < la.spec.inNeurons(); c++) {
                    float sign = rowSign * t.sign[l][c];
                    for (int tap = 0; tap < la.spec.filterSize(); tap++) {
                        double d = la.weight(i, c, tap) - sign * lb.weight(rows[i], cols[c], tap);
                        sum += d * d;
                    }
                }
                double d = la.bias(i) - rowSign * lb.bias(rows[i]);
                sum += d * d;
            }
        }
        return Math.sqrt(sum);
    }

    private static boolean allHiddenOdd(NetworkSpec spec) {
        for (int l = 0; l + 1 < spec.numLayers(); l++) {
            ActivationKind act = spec.layer(l).activation();
            if (!act.admitsSignFlip() || act == ActivationKind.IDENTITY) {
                return false;
            }
        }
        return spec.numLayers() > 1;
    }

    private static double[][] abs(double[][] m) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = Arrays.stream(m[i]).map(Math::abs).toArray();
        }
        return out;
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

    /** The transform of B found so far: permute every boundary by perm, then multiply by sign. */
    private static final class Transform {
        final int[][] perm;
        final float[][] sign;

        private Transform(int[][] perm, float[][] sign) {
            this.perm = perm;
            this.sign = sign;
        }

        static Transform identity(int[] n) {
            int[][] p = new int[n.length][];
            float[][] s = new float[n.length][];
            for (int k = 0; k < n.length; k++) {
                p[k] = new int[n[k]];
                for (int i = 0; i < n[k]; i++) {
                    p[k][i] = i;
                }
                s[k] = new float[n[k]];
                Arrays.fill(s[k], 1f);
            }
            return new Transform(p, s);
        }
    }

    /** One layer of a flat weight vector, read as W[i][c][tap] (tap: the folded kernel position) and b[i]. */
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
        private Boolean signFlips;

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

        /**
         * Whether neurons may also be negated; by default exactly when every hidden activation is
         * odd (tanh, sine). True on another activation is refused by {@link #align}.
         */
        public Builder optSignFlips(boolean flips) {
            this.signFlips = flips;
            return this;
        }

        public WeightMatching build() {
            return new WeightMatching(this);
        }
    }

    /**
     * A matching's result.
     *
     * @param permutation the permutation part of g
     * @param signs the ±1 factors applied after it, or null when sign flips were not allowed
     * @param rounds rounds of coordinate descent run after the forward sweep
     * @param distanceBefore ‖θ_A − θ_B‖
     * @param distanceAfter ‖θ_A − g(θ_B)‖
     */
    public record Alignment(PermutationAction permutation, ScalingAction signs, int rounds, double distanceBefore,
            double distanceAfter) {

        /** g: the permutation, then the signs; {@code action().applyToFlat(spec, B)} is B aligned to A. */
        public SymmetryAction action() {
            return signs == null ? permutation : permutation.then(signs);
        }
    }
}
