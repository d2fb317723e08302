package dev.orbit.datasets.zoo;

import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PerNetworkAction;
import dev.orbit.metanet.symmetry.PermutationAction;
import dev.orbit.metanet.symmetry.ScalingAction;
import dev.orbit.metanet.symmetry.SymmetryAction;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Data augmentation by parameter-space symmetries (docs/DESIGN.md §1): each training sample is moved to a
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
        Draw draw = draw(spec, activation, epoch, index);
        return draw.scaling == null ? draw.permutation : draw.permutation.then(draw.scaling);
    }

    /**
     * Moves every network of a batch by its own sample's action, in a few engine calls for the
     * whole batch; network b gets exactly {@link #action} of {@code indices[b]}.
     *
     * @param batch raw parameters (C = 1) of B networks of {@code spec}
     * @param activations the hidden activation of each network, B entries
     * @param indices the sample index of each network, B entries
     * @return the moved batch, on the batch's manager
     */
    public WeightSpaceFeatures apply(WeightSpaceFeatures batch, NetworkSpec spec, ActivationKind[] activations, int epoch,
            long[] indices) {
        if (activations.length != indices.length || batch.batchSize() != indices.length) {
            throw new IllegalArgumentException("A batch of " + batch.batchSize() + " networks needs as many activations and"
                    + " indices, got " + activations.length + " and " + indices.length);
        }
        List<PermutationAction> permutations = new ArrayList<>(indices.length);
        List<ScalingAction> scalings = new ArrayList<>(indices.length);
        for (int b = 0; b < indices.length; b++) {
            Draw draw = draw(spec, activations[b], epoch, indices[b]);
            permutations.add(draw.permutation);
            scalings.add(draw.scaling);
        }
        return PerNetworkAction.of(spec, permutations, scalings).apply(batch);
    }

    /** One sample's permutation and (null for none) rescaling, drawn from (seed, epoch, index). */
    private Draw draw(NetworkSpec spec, ActivationKind activation, int epoch, long index) {
        long s = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1))).split().nextLong() ^ (index * 0xBF58476D1CE4E5B9L);
        SplittableRandom random = new SplittableRandom(s);
        PermutationAction permutation = permute ? PermutationAction.random(spec, random.nextLong())
                : PermutationAction.identity(spec);
        ScalingAction scaling = null;
        if (rescale) {
            NetworkSpec withAct = withHiddenActivation(spec, activation);
            if (activation.admitsPositiveScaling() && activation != ActivationKind.IDENTITY) {
                scaling = ScalingAction.positive(withAct, random.nextLong(), logScaleStd);
            } else if (activation.admitsSignFlip() && activation != ActivationKind.IDENTITY) {
                scaling = ScalingAction.signFlip(withAct, random.nextLong());
            }
        }
        return new Draw(permutation, scaling);
    }

    private record Draw(PermutationAction permutation, ScalingAction scaling) {}

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
