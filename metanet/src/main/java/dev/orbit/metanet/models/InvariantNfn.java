package dev.orbit.metanet.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.orbit.metanet.layers.WeightSpaceActivation;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.Arrays;

/**
 * An invariant neural functional (NFN, Zhou et al. 2023, §3-4; NFN's {@code InvariantNFN} with its
 * MLP head): predicts a property of a network from its weights, e.g. its test accuracy, giving the
 * same (B, outputSize) answer for every network on one permutation orbit (DOMAIN.md §1, §4).
 *
 * <p>Blocks: optional {@code FourierFeatures}, then for every hidden width [optional
 * {@code IoEmbedding}] -> equivariant layer ({@link EquivariantNfn.Variant}) -> activation ->
 * [dropout], then invariant pooling of the same variant, then an {@link MlpHead}. NFN's Small CNN
 * Zoo predictor is HNP with channels 16, 16, 5 and a 1000-wide head of depth 2 (the defaults).
 * With {@link Builder#optAppendStatistics} the head also reads the {@link StatNn} statistics of the
 * input (NFN's {@code append_stats}): both parts are invariant, so the model stays invariant.
 *
 * <p>Input: the interleaved weight-space NDList W_0, b_0, W_1, b_1, ... of raw weights (C = 1 unless
 * {@link Builder#optInChannels}) with weights (B, n_l, n_{l-1}, C * f_l), biases (B, n_l, C).
 */
public final class InvariantNfn extends AbstractBlock {

    private static final byte VERSION = 1;

    private final NetworkSpec spec;
    private final EquivariantNfn.Variant variant;
    private final int[] hiddenChannels;
    private final int outputSize;
    private final long pooledSize;
    private final boolean appendStatistics;
    private final EquivariantNfnStack stack;
    private final MlpHead head;

    InvariantNfn(Builder builder) {
        super(VERSION);
        this.spec = builder.spec;
        this.variant = builder.variant;
        this.hiddenChannels = builder.hiddenChannels.clone();
        this.outputSize = builder.outputSize;
        stack = new EquivariantNfnStack(spec, variant, builder.inChannels);
        if (builder.fourierMappingSize > 0) {
            stack.addFourierFeatures(builder.fourierMappingSize, builder.fourierSigma, builder.fourierSeed);
        }
        for (int i = 0; i < hiddenChannels.length; i++) {
            stack.addEquivariantLayer(i, hiddenChannels[i], builder.ioEmbedding);
            stack.addActivation(i, builder.activation);
            stack.addDropout(i, builder.featureDropout);
        }
        pooledSize = variant.poolOutputSize(spec, stack.channels());
        appendStatistics = builder.appendStatistics;
        stack.add("pool", variant.newPool(spec));
        for (Pair<String, Block> block : stack.blocks()) {
            addChildBlock(block.getKey(), block.getValue());
        }
        // Registered last, as before statistics could be appended: parameter files keep their order.
        head = addChildBlock("head", MlpHead.builder()
                .setHiddenWidth(builder.headWidth)
                .setDepth(builder.headDepth)
                .setOutputSize(outputSize)
                .optDropout(builder.headDropout)
                .optActivation(builder.activation)
                .build());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray pooled = stack.forward(parameterStore, inputs, training, params).singletonOrThrow(); // (B, P)
        if (appendStatistics) {
            pooled = pooled.concat(StatNn.statistics(inputs), 1); // (B, P + 14 L C)
        }
        return head.forward(parameterStore, new NDList(pooled), training, params); // (B, outputSize)
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        stack.initialize(manager, dataType, inputShapes);
        head.initialize(manager, dataType, headInputShape(inputShapes));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return head.getOutputShapes(new Shape[] {headInputShape(inputShapes)});
    }

    /** (B, P) pooled features, plus the statistics when appended. */
    private Shape headInputShape(Shape[] inputShapes) {
        Shape pooled = stack.outputShapes(inputShapes)[0]; // (B, P)
        if (!appendStatistics) {
            return pooled;
        }
        long channels = inputShapes[1].get(inputShapes[1].dimension() - 1);
        return new Shape(pooled.get(0), pooled.get(1) + StatNn.featureCount(spec, Math.toIntExact(channels)));
    }

    public NetworkSpec getNetworkSpec() {
        return spec;
    }

    public EquivariantNfn.Variant getVariant() {
        return variant;
    }

    public int[] getHiddenChannels() {
        return hiddenChannels.clone();
    }

    public int getOutputSize() {
        return outputSize;
    }

    /** The MLP that reads the pooled features (and statistics). */
    public MlpHead getHead() {
        return head;
    }

    /** Whether the head also reads the {@link StatNn} statistics of the input. */
    public boolean isAppendingStatistics() {
        return appendStatistics;
    }

    /** Size of the pooled invariant vector (without appended statistics). */
    public long getPooledSize() {
        return pooledSize;
    }

    @Override
    public String toString() {
        return "InvariantNfn(" + variant + ", channels " + Arrays.toString(hiddenChannels) + ", pooled " + pooledSize
                + (appendStatistics ? " + statistics" : "") + " -> " + outputSize + " on " + spec.describe() + ")";
    }

    /** Builds an {@link InvariantNfn}. */
    public static final class Builder {
        private NetworkSpec spec;
        private EquivariantNfn.Variant variant;
        private int outputSize = -1;
        private int inChannels = 1;
        private int[] hiddenChannels = {16, 16, 5};
        private int headWidth = 1000;
        private int headDepth = 2;
        private float headDropout;
        private float featureDropout;
        private WeightSpaceActivation.Kind activation = WeightSpaceActivation.Kind.RELU;
        private boolean ioEmbedding;
        private int fourierMappingSize;
        private float fourierSigma = 10f;
        private long fourierSeed;
        private boolean appendStatistics;

        Builder() {}

        /** Required: the architecture of the networks whose weights the model reads. */
        public Builder setNetworkSpec(NetworkSpec spec) {
            this.spec = spec;
            return this;
        }

        /** Required: NP (every neuron permutable) or HNP (hidden neurons only). */
        public Builder setVariant(EquivariantNfn.Variant variant) {
            this.variant = variant;
            return this;
        }

        /** Required: outputs per network (1 for accuracy, 10 for INR classification). */
        public Builder setOutputSize(int outputSize) {
            this.outputSize = outputSize;
            return this;
        }

        /** Optional input channels; default 1 (raw weights). */
        public Builder optInChannels(int inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        /** Optional channels of the equivariant layers; default 16, 16, 5 (NFN's predictor). May be empty. */
        public Builder optHiddenChannels(int... hiddenChannels) {
            this.hiddenChannels = hiddenChannels.clone();
            return this;
        }

        /** Optional width of the head's hidden layers; default 1000. */
        public Builder optHeadWidth(int headWidth) {
            this.headWidth = headWidth;
            return this;
        }

        /** Optional number of hidden layers in the head; default 2 (three linear maps, as NFN). */
        public Builder optHeadDepth(int headDepth) {
            this.headDepth = headDepth;
            return this;
        }

        /** Optional dropout rate in the head, after each hidden activation; default 0. */
        public Builder optDropout(float dropout) {
            this.headDropout = dropout;
            return this;
        }

        /** Optional dropout rate on every weight-space entry after each equivariant activation; default 0. */
        public Builder optFeatureDropout(float featureDropout) {
            this.featureDropout = featureDropout;
            return this;
        }

        /** Optional activation of equivariant layers and head; default ReLU. */
        public Builder optActivation(WeightSpaceActivation.Kind activation) {
            this.activation = activation;
            return this;
        }

        /**
         * Optional learned input/output embedding before every equivariant layer (NFN's NP-PosEmb), so
         * that an NP model can tell input and output neurons apart; default off.
         */
        public Builder optIoEmbedding(boolean ioEmbedding) {
            this.ioEmbedding = ioEmbedding;
            return this;
        }

        /** Optional Gaussian Fourier features of every input entry (2M channels); default off. */
        public Builder optFourierFeatures(int mappingSize, float sigma, long seed) {
            this.fourierMappingSize = mappingSize;
            this.fourierSigma = sigma;
            this.fourierSeed = seed;
            return this;
        }

        /**
         * Optional: let the head read the {@link StatNn} statistics of the input next to the pooled
         * features (NFN's {@code append_stats}); default off.
         */
        public Builder optAppendStatistics(boolean appendStatistics) {
            this.appendStatistics = appendStatistics;
            return this;
        }

        public InvariantNfn build() {
            EquivariantNfnStack.checkSettings(
                    "InvariantNfn", spec, variant, inChannels, hiddenChannels, activation, featureDropout);
            if (outputSize <= 0) {
                throw new IllegalArgumentException("InvariantNfn needs setOutputSize(n) with n > 0, got " + outputSize);
            }
            if (fourierMappingSize < 0) {
                throw new IllegalArgumentException(
                        "InvariantNfn Fourier mapping size must be positive, got " + fourierMappingSize);
            }
            if (headDepth < 0 || (headDepth > 0 && headWidth <= 0)) {
                throw new IllegalArgumentException("InvariantNfn head needs depth >= 0 and, with hidden layers, width > 0; got depth "
                        + headDepth + ", width " + headWidth);
            }
            if (!(headDropout >= 0f && headDropout < 1f)) {
                throw new IllegalArgumentException("InvariantNfn head dropout must be in [0, 1), got " + headDropout);
            }
            return new InvariantNfn(this);
        }
    }
}
