package dev.orbit.metanet.layers;

import dev.orbit.metanet.symmetry.PermutationGroup;

/**
 * NFN's HNP layer (Zhou et al., "Permutation Equivariant Neural Functionals", NeurIPS 2023, §3 and
 * App. B): the linear map between weight spaces, C_in -> C_out channels, that commutes with every
 * permutation of <em>hidden</em> neurons while the network's input and output neurons keep their
 * order (docs/DESIGN.md §3). This is the exact symmetry of an MLP or CNN, so HNP has more terms than
 * {@link NpLinear}: a fixed neuron axis is folded into channels, so W_0's rows, W_{L-1}'s columns and
 * the output bias are read whole rather than averaged.
 *
 * <p>Input and output are the interleaved weight-space NDList W_0, b_0, W_1, b_1, ... with weights
 * (B, n_l, n_{l-1}, C * f_l) and biases (B, n_l, C). The network needs at least two layers (one
 * hidden boundary); a single layer has nothing to permute.
 *
 * <p>Compared with NFN's {@code HNPLinear} this map also lets the last layer's weights read the
 * previous layer's bias (b_{L-2} broadcast along the output rows), an equivariant term NFN's code
 * leaves out; every NFN term is here, so NFN's parameters load exactly (that term set to zero).
 *
 * <p>Initialisation: each output's terms start N(0, 2 / fan-in), fan-in summed over its terms (NFN's
 * {@code kaiming_normal}), constants at zero, so feature scales stay steady through deep ReLU stacks.
 */
public final class HnpLinear extends EquivariantLinearBlock {

    HnpLinear(Builder builder) {
        super("HnpLinear", builder, PermutationGroup.HNP);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link HnpLinear}. */
    public static final class Builder extends EquivariantLinearBlock.Builder<Builder, HnpLinear> {

        Builder() {}

        @Override
        Builder self() {
            return this;
        }

        @Override
        public HnpLinear build() {
            EquivariantLinearMap.checkSettings("HnpLinear", spec, inChannels, outChannels);
            if (spec.numLayers() < 2) {
                throw new IllegalArgumentException("HnpLinear needs a network with at least two layers (a hidden "
                        + "boundary to permute); " + spec.describe() + " has one: use NpLinear");
            }
            return new HnpLinear(this);
        }
    }
}
