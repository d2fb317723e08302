package dev.orbit.metanet.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.orbit.metanet.layers.ConditionShift;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 *
 * <p>Conditioned ({@link Builder#optConditionSize}): a last input (B, E) follows the weights, and a
 * {@link ConditionShift} after every hidden equivariant layer adds a learned function of it to each
 * channel, the same at every neuron, so F(g·θ, e) = g·F(θ, e) still holds: the denoiser of a
 * diffusion or flow model over weights.
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
    private final int conditionSize;
    private final List<Pair<String, Block>> sequence; // the layers in order, run one by one when conditioned
    private final List<ConditionShift> conditionShifts; // one after each hidden equivariant layer

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
        this.conditionSize = builder.conditionSize;
        this.sequence = stack.blocks();
        this.conditionShifts = new ArrayList<>();
        for (int i = 0; conditionSize > 0 && i < hiddenChannels.length; i++) {
            conditionShifts.add(addChildBlock("condition" + i, ConditionShift.builder().setNetworkSpec(spec).build()));
        }
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
        NDList out = conditionSize == 0 ? layers.forward(parameterStore, inputs, training, params)
                : forwardConditioned(parameterStore, inputs, training, params); // W_l: (B, n_l, n_{l-1}, C_out * f_l), b_l: (B, n_l, C_out)
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
     * The layers one by one, the condition (the last input, (B, E)) shifting every channel after
     * each hidden equivariant layer, before its activation.
     */
    private NDList forwardConditioned(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray condition = inputs.get(inputs.size() - 1); // (B, E)
        NDList x = inputs.subNDList(0, inputs.size() - 1);
        int hidden = 0;
        for (Pair<String, Block> step : sequence) {
            x = step.getValue().forward(parameterStore, x, training, params);
            if (isHiddenEquivariant(step.getKey()) && hidden < conditionShifts.size()) {
                NDList withCondition = new NDList(x);
                withCondition.add(condition);
                x = conditionShifts.get(hidden++).forward(parameterStore, withCondition, training, params);
            }
        }
        return x; // W_l: (B, n_l, n_{l-1}, C_out * f_l), b_l: (B, n_l, C_out)
    }

    private static boolean isHiddenEquivariant(String childName) {
        return childName.startsWith("equivariant");
    }

    /** The condition's shape, checked: 2L weight-space tensors, then (B, E). */
    private Shape checkCondition(Shape[] inputShapes) {
        Shape condition = inputShapes[inputShapes.length - 1];
        if (inputShapes.length != 2 * spec.numLayers() + 1 || condition.dimension() != 2
                || condition.get(1) != conditionSize) {
            throw new IllegalArgumentException("This EquivariantNfn reads " + 2 * spec.numLayers()
                    + " weight-space tensors and a condition (B, " + conditionSize + "), got "
                    + Arrays.toString(inputShapes));
        }
        return condition;
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
        if (conditionSize == 0) {
            layers.initialize(manager, dataType, inputShapes);
            return;
        }
        Shape condition = checkCondition(inputShapes);
        Shape[] shapes = Arrays.copyOf(inputShapes, inputShapes.length - 1);
        int hidden = 0;
        for (Pair<String, Block> step : sequence) {
            step.getValue().initialize(manager, dataType, shapes);
            shapes = step.getValue().getOutputShapes(shapes);
            if (isHiddenEquivariant(step.getKey()) && hidden < conditionShifts.size()) {
                Shape[] withCondition = Arrays.copyOf(shapes, shapes.length + 1);
                withCondition[shapes.length] = condition;
                conditionShifts.get(hidden++).initialize(manager, dataType, withCondition);
            }
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (conditionSize > 0) {
            checkCondition(inputShapes);
            return layers.getOutputShapes(Arrays.copyOf(inputShapes, inputShapes.length - 1));
        }
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

    /** The size E of the condition vector it reads after the weights, or 0 when it reads none. */
    public int getConditionSize() {
        return conditionSize;
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
        private int conditionSize;

        Builder() {
            super(16, 16, 16);
        }

        /** Optional output channels; default 1 (one value per weight and bias, e.g. an edit). */
        public Builder optOutChannels(int outChannels) {
            this.outChannels = outChannels;
            return this;
        }

        /**
         * Optional: read a per-network condition vector (B, E) as a last input after the weights, e.g. a
         * diffusion time and a target accuracy, injected per channel after every hidden equivariant layer
         * ({@link ConditionShift}, which keeps equivariance); default 0, none.
         */
        public Builder optConditionSize(int conditionSize) {
            this.conditionSize = conditionSize;
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
            if (conditionSize < 0) {
                throw new IllegalArgumentException("EquivariantNfn condition size must be >= 0, got " + conditionSize);
            }
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
