package dev.orbit.metanet.models;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import dev.orbit.metanet.layers.FourierFeatures;
import dev.orbit.metanet.layers.HnpLinear;
import dev.orbit.metanet.layers.HnpPool;
import dev.orbit.metanet.layers.IoEmbedding;
import dev.orbit.metanet.layers.NpLinear;
import dev.orbit.metanet.layers.NpPool;
import dev.orbit.metanet.layers.WeightSpaceActivation;
import dev.orbit.metanet.layers.WeightSpaceDropout;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.symmetry.PermutationGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Assembles the blocks of an NFN model, each reading the previous one's NDList, into a DJL
 * {@link SequentialBlock} that runs them, tracking the channel count as they are added. Both
 * {@link InvariantNfn} and {@link EquivariantNfn} are such a sequence. The sequence itself is not
 * a child of the model: the model registers each block as its own child under the name given here,
 * so parameter names and parameter files are those of a flat list of layers.
 */
final class EquivariantNfnStack {

    private final NetworkSpec spec;
    private final PermutationGroup variant;
    private final List<Pair<String, Block>> blocks = new ArrayList<>();
    private final SequentialBlock sequence = new SequentialBlock();
    private int channels;

    EquivariantNfnStack(NetworkSpec spec, PermutationGroup variant, int inChannels) {
        this.spec = spec;
        this.variant = variant;
        this.channels = inChannels;
    }

    /** A new equivariant linear layer for {@code group}, C_in -> C_out channels. */
    static Block newLinear(PermutationGroup group, NetworkSpec spec, int inChannels, int outChannels) {
        return group == PermutationGroup.NP
                ? NpLinear.builder().setNetworkSpec(spec).optInChannels(inChannels).setOutChannels(outChannels).build()
                : HnpLinear.builder().setNetworkSpec(spec).optInChannels(inChannels).setOutChannels(outChannels).build();
    }

    /** A new invariant pooling for {@code group}. */
    static Block newPool(PermutationGroup group, NetworkSpec spec) {
        return group == PermutationGroup.NP ? NpPool.builder().setNetworkSpec(spec).build() : HnpPool.builder().setNetworkSpec(spec).build();
    }

    /** The pooled vector's size for features with {@code channels} channels. */
    static long poolOutputSize(PermutationGroup group, NetworkSpec spec, int channels) {
        return group == PermutationGroup.NP ? NpPool.outputSize(spec, channels) : HnpPool.outputSize(spec, channels);
    }

    /** The checks both models' {@code build()} make, with the messages a user sees. */
    static void checkSettings(String model, NetworkSpec spec, PermutationGroup variant, int inChannels,
            int[] hiddenChannels, ActivationKind activation, float dropout) {
        if (spec == null) {
            throw new IllegalArgumentException(model + " needs setNetworkSpec(spec): the architecture whose weights it reads");
        }
        if (variant == null) {
            throw new IllegalArgumentException(model + " needs setVariant(PermutationGroup.NP or PermutationGroup.HNP)");
        }
        if (variant == PermutationGroup.HNP && spec.numLayers() < 2) {
            throw new IllegalArgumentException(model + ": the HNP variant needs a network with a hidden layer; "
                    + spec.describe() + " has none, use PermutationGroup.NP");
        }
        if (inChannels <= 0) {
            throw new IllegalArgumentException(model + " in channels must be positive, got " + inChannels);
        }
        for (int c : hiddenChannels) {
            if (c <= 0) {
                throw new IllegalArgumentException(
                        model + " hidden channels must be positive, got " + java.util.Arrays.toString(hiddenChannels));
            }
        }
        if (activation == null) {
            throw new IllegalArgumentException(model + " activation must not be null");
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException(model + " feature dropout must be in [0, 1), got " + dropout);
        }
    }

    /** Gaussian Fourier features of every entry: C -> 2M channels. */
    void addFourierFeatures(int mappingSize, float sigma, long seed) {
        FourierFeatures fourier = FourierFeatures.builder().optInChannels(channels).setMappingSize(mappingSize)
                .optSigma(sigma).optSeed(seed).build();
        add("fourierFeatures", fourier);
        channels = fourier.getOutChannels();
    }

    /** An equivariant layer to {@code outChannels}, after a learned input/output embedding if asked. */
    void addEquivariantLayer(int index, int outChannels, boolean ioEmbedding) {
        if (ioEmbedding) {
            add("ioEmbedding" + index, IoEmbedding.builder().setNetworkSpec(spec).build());
        }
        add("equivariant" + index, newLinear(variant, spec, channels, outChannels));
        channels = outChannels;
    }

    void addActivation(int index, ActivationKind kind) {
        add("activation" + index, WeightSpaceActivation.of(kind));
    }

    void addDropout(int index, float rate) {
        if (rate > 0f) {
            add("dropout" + index, WeightSpaceDropout.builder().optRate(rate).build());
        }
    }

    void add(String name, Block block) {
        blocks.add(new Pair<>(name, block));
        sequence.add(block);
    }

    /** Feature channels after the blocks added so far. */
    int channels() {
        return channels;
    }

    /** The blocks with their child names, in order. */
    List<Pair<String, Block>> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    /** The blocks in order, run one after another; initialising it initialises each on its predecessor's output shapes. */
    SequentialBlock sequence() {
        return sequence;
    }
}
