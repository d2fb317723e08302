package dev.orbit.metanet.layers;

import dev.orbit.metanet.space.NetworkSpec;

/**
 * Which neuron boundaries an equivariant layer treats as permutable: NFN's NP variant permutes all
 * of them, its HNP variant only the hidden ones (DOMAIN.md §3).
 */
enum PermutableNeurons {
    /** NP: input, hidden and output neurons are all permutable. */
    ALL,
    /** HNP: only hidden neurons are permutable; input and output neurons keep their order. */
    HIDDEN;

    /** Whether neurons at {@code boundary} (0 = input, L = output) are permutable. */
    boolean permutable(NetworkSpec spec, int boundary) {
        return this == ALL || spec.isPermutable(boundary);
    }
}
