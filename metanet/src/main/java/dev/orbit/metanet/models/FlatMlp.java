package dev.orbit.metanet.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;

/**
 * The non-invariant baseline: flatten a network's raw parameters into the canonical vector
 * (W_0, b_0, W_1, b_1, ... in DJL's layout; {@link WeightSpaceFeatures#toFlat}) and read it with an
 * {@link MlpHead}. It ignores parameter-space symmetry, so permuted copies of one network get
 * different outputs; NFN reports it doing badly (DOMAIN.md §3, §4).
 *
 * <p>Input: the interleaved weight-space NDList of raw weights (C = 1). Output: (B, head output).
 */
public final class FlatMlp extends AbstractBlock {

    private static final byte VERSION = 1;

    private final NetworkSpec spec;
    private final MlpHead head;

    FlatMlp(Builder builder) {
        super(VERSION);
        this.spec = builder.spec;
        this.head = addChildBlock("head", builder.head);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray flat = WeightSpaceFeatures.fromNDList(inputs).toFlat(spec); // (B, P)
        return head.forward(parameterStore, new NDList(flat), training); // (B, out)
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        head.initialize(manager, dataType, flatShape(inputShapes));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return head.getOutputShapes(new Shape[] {flatShape(inputShapes)});
    }

    private Shape flatShape(Shape[] shapes) {
        if (shapes.length != 2 * spec.numLayers()) {
            throw new IllegalArgumentException("FlatMlp expects " + 2 * spec.numLayers()
                    + " weight-space tensors (W_l, b_l per layer), got " + shapes.length);
        }
        int[] n = spec.neuronCounts();
        for (int l = 0; l < spec.numLayers(); l++) {
            Shape w = shapes[2 * l];
            Shape b = shapes[2 * l + 1];
            Shape wantW = new Shape(w.get(0), n[l + 1], n[l], spec.layer(l).filterSize());
            Shape wantB = new Shape(w.get(0), n[l + 1], 1);
            if (!w.equals(wantW) || !b.equals(wantB)) {
                throw new IllegalArgumentException("FlatMlp reads raw weights (C = 1): layer " + l + " expects W "
                        + wantW + " and b " + wantB + ", got " + w + " and " + b);
            }
        }
        return new Shape(shapes[0].get(0), spec.parameterCount());
    }

    /** The MLP that reads the flat parameter vector. */
    public MlpHead getHead() {
        return head;
    }

    @Override
    public String toString() {
        return "FlatMlp(P=" + spec.parameterCount() + ", " + head + ")";
    }

    /** Builds a {@link FlatMlp}. */
    public static final class Builder {
        private NetworkSpec spec;
        private MlpHead head;

        Builder() {}

        /** Required: the architecture whose weights are read. */
        public Builder setNetworkSpec(NetworkSpec spec) {
            this.spec = spec;
            return this;
        }

        /** Required: the MLP on the flat parameter vector. */
        public Builder setHead(MlpHead head) {
            this.head = head;
            return this;
        }

        public FlatMlp build() {
            if (spec == null) {
                throw new IllegalArgumentException("FlatMlp needs setNetworkSpec(spec)");
            }
            if (head == null) {
                throw new IllegalArgumentException("FlatMlp needs setHead(MlpHead.builder()...build())");
            }
            return new FlatMlp(this);
        }
    }
}
