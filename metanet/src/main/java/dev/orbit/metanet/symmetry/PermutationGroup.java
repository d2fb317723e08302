package dev.orbit.metanet.symmetry;

import dev.orbit.metanet.space.NetworkSpec;

/**
 * Which neuron permutations count (NFN, Zhou et al. 2023, §2): the group an equivariant layer or
 * pooling is built for ({@code setVariant} on the NFN models) and the group a random
 * {@link PermutationAction} is drawn from.
 */
public enum PermutationGroup {
    /**
     * NP, the neuron permutation group: input, hidden and output neurons are all permutable. Larger
     * than a network's own symmetry group; NP layers are cheaper and equivariant to it too.
     */
    NP,
    /**
     * HNP, the hidden neuron permutation group: input and output neurons keep their order. The
     * exact permutation symmetry of a network.
     */
    HNP;

    /** Whether neurons at {@code boundary} (0 = input, L = output) are permuted by this group. */
    public boolean permutes(NetworkSpec spec, int boundary) {
        return this == NP || spec.isPermutable(boundary);
    }
}
