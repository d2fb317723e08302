package dev.orbit.datasets.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationAction;
import dev.orbit.metanet.symmetry.ScalingAction;
import dev.orbit.metanet.symmetry.SymmetryAction;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Data augmentation by parameter-space symmetries (DOMAIN.md §1): each training sample is moved to a
 * random point of its orbit, which computes the same function and so has the same label. A random
 * hidden-neuron permutation always; optionally a random rescaling that the network's activation
 * admits: positive factors exp(N(0, s²)) for ReLU-like networks, sign flips for tanh / sine.
 *
 * <p>The action for sample {@code index} in epoch {@code epoch} is drawn from a seed derived from
 * (seed, epoch, index), so an epoch's augmentation does not depend on the order samples are read
 * in, and a resumed run sees the same samples as an uninterrupted one.
 */
public final class SymmetryAugmentation {

    private final long seed;
    private final boolean permute;
    private final boolean rescale;
    private final double logScaleStd;

    private SymmetryAugmentation(long seed, boolean permute, boolean rescale, double logScaleStd) {
        this.seed = seed;
        this.permute = permute;
        this.rescale = rescale;
        this.logScaleStd = logScaleStd;
    }

    /** Random hidden-neuron permutations only. */
    public static SymmetryAugmentation permutations(long seed) {
        return new SymmetryAugmentation(seed, true, false, 0);
    }

    /**
     * Permutations and rescalings: positive scaling with log-std {@code logScaleStd} for
     * positively homogeneous activations, sign flips for odd ones.
     */
    public static SymmetryAugmentation permutationsAndScaling(long seed, double logScaleStd) {
        return new SymmetryAugmentation(seed, true, true, logScaleStd);
    }

    /** The action applied to sample {@code index} in epoch {@code epoch} of a network with {@code activation}. */
    public SymmetryAction action(NetworkSpec spec, ActivationKind activation, int epoch, long index) {
        long s = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1))).split().nextLong() ^ (index * 0xBF58476D1CE4E5B9L);
        SplittableRandom random = new SplittableRandom(s);
        SymmetryAction action = permute ? PermutationAction.random(spec, random.nextLong())
                : PermutationAction.identity(spec);
        if (rescale) {
            NetworkSpec withAct = withHiddenActivation(spec, activation);
            if (activation.admitsPositiveScaling() && activation != ActivationKind.IDENTITY) {
                action = action.then(ScalingAction.positive(withAct, random.nextLong(), logScaleStd));
            } else if (activation.admitsSignFlip() && activation != ActivationKind.IDENTITY) {
                action = action.then(ScalingAction.signFlip(withAct, random.nextLong()));
            }
        }
        return action;
    }

    /**
     * Applies the sample's action to flat canonical weights.
     *
     * @param manager owner of the temporaries (closed by the caller)
     * @return new flat weights on the same orbit
     */
    public float[] apply(NDManager manager, NetworkSpec spec, ActivationKind activation, float[] flat, int epoch,
            long index) {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray batch = scratch.create(flat, new Shape(1, flat.length)); // (1, P)
            WeightSpaceFeatures moved = action(spec, activation, epoch, index)
                    .apply(WeightSpaceFeatures.fromFlat(spec, batch));
            return moved.toFlat(spec).toFloatArray();
        }
    }

    /** Whether rescaling is on. */
    public boolean rescales() {
        return rescale;
    }

    /** The seed every action derives from. */
    public long seed() {
        return seed;
    }

    @Override
    public String toString() {
        return rescale ? "permutations + scaling (log-std " + logScaleStd + ")" : "permutations";
    }

    private static NetworkSpec withHiddenActivation(NetworkSpec spec, ActivationKind activation) {
        List<LayerSpec> layers = new ArrayList<>();
        for (int l = 0; l < spec.numLayers(); l++) {
            LayerSpec layer = spec.layer(l);
            layers.add(l + 1 == spec.numLayers() ? layer : layer.withActivation(activation));
        }
        return new NetworkSpec(layers, spec.inputShape());
    }
}
