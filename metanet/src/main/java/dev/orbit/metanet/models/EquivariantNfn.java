package dev.orbit.metanet.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationGroup;
import java.util.Arrays;

/**
 * An equivariant neural functional (NFN, Zhou et al. 2023, §3; docs/DESIGN.md §1, §3): a stack of
 * permutation-equivariant layers that maps a network's weights to weight-space features of the same
 * shape, F(g·θ) = g·F(θ) for every hidden-neuron permutation g. Used to edit weights, e.g. to
 * predict an update that dilates the digit an INR draws (NFN's {@code TransferNet}).
 *
 * <p>Blocks: optional {@code FourierFeatures}, then for every hidden width [optional
 * {@code IoEmbedding}] -> equivariant layer -> activation -> [dropout], then a final equivariant
 * layer to the output channels, optionally times a learned scale per output tensor (NFN's
 * {@code LearnedScale}; a small start lets an edit θ + F(θ) begin near θ).
 *
 * <p>Input: the interleaved weight-space NDList W_0, b_0, W_1, b_1, ... of raw weights (C = 1 unless
 * {@link Builder#optInChannels}) with weights (B, n_l, n_{l-1}, C * f_l), biases (B, n_l, C). Output:
 * the same list with {@link Builder#optOutChannels} channels.
 */
public final class EquivariantNfn extends AbstractBlock {

    private static final byte VERSION = 1;

    private final NetworkSpec spec;
    private final PermutationGroup variant;
    private final int inChannels;
    private final int[] hiddenChannels;
    private final int outChannels;
    private final SequentialBlock layers; // the equivariant layers, activations and dropouts
    private final Parameter outputScale;

    EquivariantNfn(Builder builder) {
        super(VERSION);
        this.spec = builder.spec;
        this.variant = builder.variant;
        this.inChannels = builder.inChannels;
        this.hiddenChannels = builder.hiddenChannels.clone();
        this.outChannels = builder.outChannels;
        EquivariantNfnStack stack = builder.newHiddenStack();
        stack.addEquivariantLayer(hiddenChannels.length, outChannels, builder.ioEmbedding);
        stack.blocks().forEach(block -> addChildBlock(block.getKey(), block.getValue()));
        layers = stack.sequence();
        outputScale = builder.outputScale == null ? null : addParameter(Parameter.builder()
                .setName("outputScale")
                .setType(Parameter.Type.WEIGHT)
                .optInitializer(new ConstantInitializer(builder.outputScale))
                .build());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = layers.forward(parameterStore, inputs, training, params); // W_l: (B, n_l, n_{l-1}, C_out * f_l), b_l: (B, n_l, C_out)
        if (outputScale == null) {
            return out;
        }
        NDArray scale = parameterStore.getValue(outputScale, out.head().getDevice(), training); // (2L)
        NDList scaled = new NDList(out.size());
        for (int i = 0; i < out.size(); i++) {
            scaled.add(out.get(i).mul(scale.get(new NDIndex("{}:{}", i, i + 1)))); // same shape as out[i]
        }
        return scaled;
    }

    /**
     * Runs the initialised model for inference (no dropout) on {@code features}, whose arrays'
     * manager also owns the result.
     *
     * @return features of the same networks with {@link #getOutChannels()} channels, e.g. an edit
     */
    public WeightSpaceFeatures predict(WeightSpaceFeatures features) {
        return WeightSpaceFeatures.fromNDList(Inference.forward(this, features));
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        if (outputScale != null) {
            outputScale.setShape(new Shape(2L * spec.numLayers()));
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        layers.initialize(manager, dataType, inputShapes);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return layers.getOutputShapes(inputShapes);
    }

    public NetworkSpec getNetworkSpec() {
        return spec;
    }

    public PermutationGroup getVariant() {
        return variant;
    }

    public int getInChannels() {
        return inChannels;
    }

    public int[] getHiddenChannels() {
        return hiddenChannels.clone();
    }

    public int getOutChannels() {
        return outChannels;
    }

    @Override
    public String toString() {
        return "EquivariantNfn(" + variant + ", " + inChannels + " -> " + Arrays.toString(hiddenChannels) + " -> "
                + outChannels + " channels on " + spec.describe() + ")";
    }

    /** Builds an {@link EquivariantNfn}; its hidden channels default to 16, 16, 16. */
    public static final class Builder extends NfnBuilder<Builder> {
        private int outChannels = 1;
        private Float outputScale;

        Builder() {
            super(16, 16, 16);
        }

        /** Optional output channels; default 1 (one value per weight and bias, e.g. an edit). */
        public Builder optOutChannels(int outChannels) {
            this.outChannels = outChannels;
            return this;
        }

        /** Optional learned scale per output tensor, starting at {@code initialScale}; default none. */
        public Builder optOutputScale(float initialScale) {
            this.outputScale = initialScale;
            return this;
        }

        public EquivariantNfn build() {
            checkLayerSettings("EquivariantNfn");
            if (outChannels <= 0) {
                throw new IllegalArgumentException("EquivariantNfn out channels must be positive, got " + outChannels);
            }
            checkFourierSettings("EquivariantNfn");
            if (outputScale != null && !Float.isFinite(outputScale)) {
                throw new IllegalArgumentException("EquivariantNfn output scale must be finite, got " + outputScale);
            }
            return new EquivariantNfn(this);
        }

        @Override
        Builder self() {
            return this;
        }
    }
}
