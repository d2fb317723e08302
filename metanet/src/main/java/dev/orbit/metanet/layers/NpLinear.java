package dev.orbit.metanet.layers;

import dev.orbit.metanet.symmetry.PermutationGroup;

/**
 * NFN's NP layer (Zhou et al., "Permutation Equivariant Neural Functionals", NeurIPS 2023, §3): the
 * linear map between weight spaces, C_in -> C_out channels, that commutes with permutations of
 * <em>every</em> neuron boundary, input and output included (docs/DESIGN.md §3).
 *
 * <p>Input and output are the interleaved weight-space NDList W_0, b_0, W_1, b_1, ... with weights
 * (B, n_l, n_{l-1}, C * f_l) and biases (B, n_l, C), f_l the folded kernel size. Each output is a
 * sum of learned channel mixes of W_l itself, the global means of every W_j and b_j, the neuron
 * features of its input neurons (broadcast along rows) and of its output neurons (broadcast along
 * columns); see {@link HnpLinear} for the variant with fixed input and output neurons. Because the
 * input and output neurons count as permutable, NP is also equivariant to permutations the network
 * itself does not have; a learned input/output embedding breaks that when needed.
 *
 * <p>Initialisation: each output's terms start N(0, 2 / fan-in), fan-in summed over its terms (NFN's
 * {@code kaiming_normal}), constants at zero, so feature scales stay steady through deep ReLU stacks.
 */
public final class NpLinear extends EquivariantLinearBlock {

    NpLinear(Builder builder) {
        super("NpLinear", builder, PermutationGroup.NP);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link NpLinear}. */
    public static final class Builder extends EquivariantLinearBlock.Builder<Builder, NpLinear> {

        Builder() {}

        @Override
        Builder self() {
            return this;
        }

        @Override
        public NpLinear build() {
            EquivariantLinearMap.checkSettings("NpLinear", spec, inChannels, outChannels);
            return new NpLinear(this);
        }
    }
}
