package dev.orbit.metanet.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.symmetry.PermutationGroup;
import java.util.Arrays;

/**
 * An invariant neural functional (NFN, Zhou et al. 2023, §3-4; NFN's {@code InvariantNFN} with its
 * MLP head): predicts a property of a network from its weights, e.g. its test accuracy, giving the
 * same (B, outputSize) answer for every network on one permutation orbit (docs/DESIGN.md §1, §4).
 *
 * <p>Blocks: optional {@code FourierFeatures}, then for every hidden width [optional
 * {@code IoEmbedding}] -> equivariant layer ({@link PermutationGroup}) -> activation ->
 * [dropout], then invariant pooling of the same variant, then an {@link MlpHead}. NFN's Small CNN
 * Zoo predictor is HNP with channels 16, 16, 5 and a 1000-wide head of depth 2 (the defaults).
 * With {@link Builder#optAppendStatistics} the head also reads the {@link StatNn} statistics of the
 * input (NFN's {@code append_stats}): both parts are invariant, so the model stays invariant.
 *
 * <p>Input: the interleaved weight-space NDList W_0, b_0, W_1, b_1, ... of raw weights (C = 1 unless
 * {@link Builder#optInChannels}) with weights (B, n_l, n_{l-1}, C * f_l), biases (B, n_l, C).
 */
public final class InvariantNfn extends AbstractBlock implements WeightSpacePredictor {

    private static final byte VERSION = 1;

    private final NetworkSpec spec;
    private final PermutationGroup variant;
    private final int[] hiddenChannels;
    private final int outputSize;
    private final long pooledSize;
    private final boolean appendStatistics;
    private final SequentialBlock layers; // the equivariant layers and the pooling
    private final MlpHead head;

    InvariantNfn(Builder builder) {
        super(VERSION);
        this.spec = builder.spec;
        this.variant = builder.variant;
        this.hiddenChannels = builder.hiddenChannels.clone();
        this.outputSize = builder.outputSize;
        EquivariantNfnStack stack = builder.newHiddenStack();
        PermutationGroup pool = builder.poolVariant != null ? builder.poolVariant : variant;
        pooledSize = EquivariantNfnStack.poolOutputSize(pool, spec, stack.channels());
        appendStatistics = builder.appendStatistics;
        stack.add("pool", EquivariantNfnStack.newPool(pool, spec));
        stack.blocks().forEach(block -> addChildBlock(block.getKey(), block.getValue()));
        layers = stack.sequence();
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
        NDArray pooled = layers.forward(parameterStore, inputs, training, params).singletonOrThrow(); // (B, P)
        if (appendStatistics) {
            pooled = pooled.concat(StatNn.statistics(inputs), 1); // (B, P + 14 L C)
        }
        return head.forward(parameterStore, new NDList(pooled), training, params); // (B, outputSize)
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        layers.initialize(manager, dataType, inputShapes);
        head.initialize(manager, dataType, headInputShape(inputShapes));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return head.getOutputShapes(new Shape[] {headInputShape(inputShapes)});
    }

    /** (B, P) pooled features, plus the statistics when appended. */
    private Shape headInputShape(Shape[] inputShapes) {
        Shape pooled = layers.getOutputShapes(inputShapes)[0]; // (B, P)
        if (!appendStatistics) {
            return pooled;
        }
        return new Shape(pooled.get(0), pooled.get(1) + StatNn.statisticsShape(spec, inputShapes).get(1));
    }

    public NetworkSpec getNetworkSpec() {
        return spec;
    }

    public PermutationGroup getVariant() {
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

    /** Builds an {@link InvariantNfn}; its hidden channels default to 16, 16, 5 (NFN's predictor). */
    public static final class Builder extends NfnBuilder<Builder> {
        private int outputSize = -1;
        private int headWidth = 1000;
        private int headDepth = 2;
        private float headDropout;
        private boolean appendStatistics;
        private PermutationGroup poolVariant;

        Builder() {
            super(16, 16, 5);
        }

        /** Required: outputs per network (1 for accuracy, 10 for INR classification). */
        public Builder setOutputSize(int outputSize) {
            this.outputSize = outputSize;
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
        public Builder optHeadDropout(float headDropout) {
            this.headDropout = headDropout;
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

        /**
         * Optional: the invariant pooling, when it differs from the layers' variant. NFN's NP
         * accuracy predictor pools with HNP (its head config), keeping the input and output neurons'
         * summaries apart; NP layers with an I/O embedding are only hidden-permutation equivariant,
         * so HNP pooling keeps the model invariant. Default: the layers' variant.
         */
        public Builder optPoolVariant(PermutationGroup poolVariant) {
            this.poolVariant = poolVariant;
            return this;
        }

        public InvariantNfn build() {
            checkLayerSettings("InvariantNfn");
            if (outputSize <= 0) {
                throw new IllegalArgumentException("InvariantNfn needs setOutputSize(n) with n > 0, got " + outputSize);
            }
            checkFourierSettings("InvariantNfn");
            if (headDepth < 0 || (headDepth > 0 && headWidth <= 0)) {
                throw new IllegalArgumentException("InvariantNfn head needs depth >= 0 and, with hidden layers, width > 0; got depth "
                        + headDepth + ", width " + headWidth);
            }
            if (!(headDropout >= 0f && headDropout < 1f)) {
                throw new IllegalArgumentException("InvariantNfn head dropout must be in [0, 1), got " + headDropout);
            }
            return new InvariantNfn(this);
        }

        @Override
        Builder self() {
            return this;
        }
    }
}
