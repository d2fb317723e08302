package dev.orbit.metanet.models;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.orbit.metanet.layers.FourierFeatures;
import dev.orbit.metanet.layers.IoEmbedding;
import dev.orbit.metanet.layers.WeightSpaceActivation;
import dev.orbit.metanet.layers.WeightSpaceDropout;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The blocks of an NFN model, run one after another, each reading the previous one's NDList, with
 * the channel count tracked as they are added. Both {@link InvariantNfn} and {@link EquivariantNfn}
 * are such a sequence; they register its blocks as their children.
 */
final class EquivariantNfnStack {

    private final NetworkSpec spec;
    private final EquivariantNfn.Variant variant;
    private final List<Pair<String, Block>> blocks = new ArrayList<>();
    private int channels;

    EquivariantNfnStack(NetworkSpec spec, EquivariantNfn.Variant variant, int inChannels) {
        this.spec = spec;
        this.variant = variant;
        this.channels = inChannels;
    }

    /** The checks both models' {@code build()} make, with the messages a user sees. */
    static void checkSettings(String model, NetworkSpec spec, EquivariantNfn.Variant variant, int inChannels,
            int[] hiddenChannels, ActivationKind activation, float dropout) {
        if (spec == null) {
            throw new IllegalArgumentException(model + " needs setNetworkSpec(spec): the architecture whose weights it reads");
        }
        if (variant == null) {
            throw new IllegalArgumentException(model + " needs setVariant(Variant.NP or Variant.HNP)");
        }
        if (variant == EquivariantNfn.Variant.HNP && spec.numLayers() < 2) {
            throw new IllegalArgumentException(model + ": the HNP variant needs a network with a hidden layer; "
                    + spec.describe() + " has none, use Variant.NP");
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
            throw new IllegalArgumentException(model + " dropout must be in [0, 1), got " + dropout);
        }
    }

    /** Gaussian Fourier features of every entry: C -> 2M channels. */
    void addFourierFeatures(int mappingSize, float sigma, long seed) {
        FourierFeatures fourier = FourierFeatures.builder().setInChannels(channels).setMappingSize(mappingSize)
                .optSigma(sigma).optSeed(seed).build();
        add("fourierFeatures", fourier);
        channels = fourier.getOutChannels();
    }

    /** An equivariant layer to {@code outChannels}, after a learned input/output embedding if asked. */
    void addEquivariantLayer(int index, int outChannels, boolean ioEmbedding) {
        if (ioEmbedding) {
            add("ioEmbedding" + index, IoEmbedding.builder().setNetworkSpec(spec).build());
        }
        add("equivariant" + index, variant.newLinear(spec, channels, outChannels));
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
    }

    /** Feature channels after the blocks added so far. */
    int channels() {
        return channels;
    }

    /** The blocks with their child names, in order. */
    List<Pair<String, Block>> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    NDList forward(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = inputs;
        for (Pair<String, Block> block : blocks) {
            x = block.getValue().forward(store, x, training, params);
        }
        return x;
    }

    /** Initialises every block on the shapes its predecessor produces. */
    void initialize(NDManager manager, DataType dataType, Shape[] inputShapes) {
        Shape[] shapes = inputShapes;
        for (Pair<String, Block> block : blocks) {
            block.getValue().initialize(manager, dataType, shapes);
            shapes = block.getValue().getOutputShapes(shapes);
        }
    }

    Shape[] outputShapes(Shape[] inputShapes) {
        Shape[] shapes = inputShapes;
        for (Pair<String, Block> block : blocks) {
            shapes = block.getValue().getOutputShapes(shapes);
        }
        return shapes;
    }
}
