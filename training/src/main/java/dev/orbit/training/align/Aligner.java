package dev.orbit.training.align;

import dev.orbit.datasets.images.ImageDataset;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.symmetry.ActivationMatching;
import dev.orbit.metanet.symmetry.SymmetryAction;
import dev.orbit.metanet.symmetry.WeightMatching;
import dev.orbit.zoo.eval.NetworkRunner;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Aligns networks of one architecture to a reference, by {@link WeightMatching} or by
 * {@link ActivationMatching} on a seeded sample of training images. Where the hidden activation is
 * odd (tanh, sine) both also allow sign flips, the other symmetry such networks have.
 */
public final class Aligner implements AutoCloseable {

    /** Training images whose activations are correlated, by default. */
    public static final int DEFAULT_SAMPLES = 1000;

    private final NetworkSpec spec;
    private final ImageDataset images;
    private final int[] sample;
    private final boolean signFlips;
    private final WeightMatching weightMatching;
    private NetworkRunner runner;
    private float[] cachedReference;
    private List<float[]> cachedActivations;

    /**
     * @param spec the networks' architecture with their hidden activation
     * @param images images to correlate activations on (a training split), or null for weight matching only
     * @param samples how many of them, drawn without replacement from {@code seed}
     * @param seed the sample's seed and weight matching's
     */
    public Aligner(NetworkSpec spec, ImageDataset images, int samples, long seed) {
        this.spec = spec;
        this.images = images;
        this.sample = images == null ? null : sample(images.size(), samples, seed);
        ActivationKind act = spec.layer(0).activation();
        this.signFlips = spec.numLayers() > 1 && act.admitsSignFlip() && act != ActivationKind.IDENTITY;
        this.weightMatching = WeightMatching.builder().optSeed(seed).optSignFlips(signFlips).build();
    }

    /**
     * Aligns {@code other} to {@code reference}.
     *
     * @return the symmetry found, {@code other} moved by it, and the seconds it took
     * @throws IllegalArgumentException for activation matching without images
     */
    public Result align(float[] reference, float[] other, AlignMethod method) {
        long start = System.nanoTime();
        SymmetryAction action;
        if (method == AlignMethod.WEIGHTS) {
            action = weightMatching.align(spec, reference, other).action();
        } else {
            if (images == null) {
                throw new IllegalArgumentException("Activation matching needs images: name the dataset with --dataset.");
            }
            if (reference != cachedReference) {
                cachedActivations = runner().hiddenActivations(reference, images, sample);
                cachedReference = reference;
            }
            List<float[]> theirs = runner().hiddenActivations(other, images, sample);
            action = ActivationMatching.align(spec, cachedActivations, theirs, signFlips).action();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(action, action.applyToFlat(spec, other), seconds);
    }

    private NetworkRunner runner() {
        if (runner == null) {
            runner = new NetworkRunner(spec);
        }
        return runner;
    }

    private static int[] sample(int size, int count, long seed) {
        int n = Math.min(size, count);
        int[] all = new int[size];
        for (int i = 0; i < size; i++) {
            all[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) { // partial Fisher-Yates: the first n are a uniform sample
            int j = i + random.nextInt(size - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return java.util.Arrays.copyOf(all, n);
    }

    @Override
    public void close() {
        if (runner != null) {
            runner.close();
        }
    }

    /**
     * One alignment.
     *
     * @param action the symmetry applied to the other network
     * @param aligned the other network's weights after it
     * @param seconds wall time of finding it (and, for activations, of running both networks)
     */
    public record Result(SymmetryAction action, float[] aligned, double seconds) {}
}
