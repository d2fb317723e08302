package dev.orbit.metanet.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import dev.orbit.metanet.space.ActivationKind;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain MLP head: {@code depth} hidden blocks Linear(hiddenWidth) -> activation -> dropout, then
 * Linear(outputSize). It reads one array (B, ...) whose trailing axes are flattened to (B, D), and
 * returns (B, outputSize).
 *
 * <p>It is the readout of invariant metanets (NFN's invariant head, StatNN's MLP; docs/DESIGN.md §3) and
 * of the flat-vector baseline. With {@code depth = 0} it is a single linear map.
 */
public final class MlpHead extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int hiddenWidth;
    private final int depth;
    private final int outputSize;
    private final float dropout;
    private final ActivationKind activation;
    private final List<Linear> hidden = new ArrayList<>();
    private final Linear output;

    MlpHead(Builder builder) {
        super(VERSION);
        this.hiddenWidth = builder.hiddenWidth;
        this.depth = builder.depth;
        this.outputSize = builder.outputSize;
        this.dropout = builder.dropout;
        this.activation = builder.activation;
        for (int i = 0; i < depth; i++) {
            hidden.add(addChildBlock("hidden" + i, Linear.builder().setUnits(hiddenWidth).build()));
        }
        output = addChildBlock("output", Linear.builder().setUnits(outputSize).build());
        // Usable without a Trainer's initialiser; a Trainer may still override it.
        setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow(); // (B, ...)
        x = x.reshape(x.getShape().get(0), -1); // (B, D)
        for (Linear layer : hidden) {
            x = layer.forward(parameterStore, new NDList(x), training).singletonOrThrow(); // (B, H)
            x = activation.apply(x); // (B, H)
            if (dropout > 0f) {
                x = Dropout.dropout(x, dropout, training).singletonOrThrow(); // (B, H)
            }
        }
        x = output.forward(parameterStore, new NDList(x), training).singletonOrThrow(); // (B, outputSize)
        return new NDList(x);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = flatShape(inputShapes);
        for (Linear layer : hidden) {
            layer.initialize(manager, dataType, shape);
            shape = new Shape(shape.get(0), hiddenWidth);
        }
        output.initialize(manager, dataType, shape);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(flatShape(inputShapes).get(0), outputSize)};
    }

    private static Shape flatShape(Shape[] inputShapes) {
        if (inputShapes.length != 1 || inputShapes[0].dimension() < 2) {
            throw new IllegalArgumentException(
                    "MlpHead expects one input of shape (B, D) or (B, ...), got " + java.util.Arrays.toString(inputShapes));
        }
        Shape s = inputShapes[0];
        return new Shape(s.get(0), s.size() / s.get(0));
    }

    public int getHiddenWidth() {
        return hiddenWidth;
    }

    public int getDepth() {
        return depth;
    }

    public int getOutputSize() {
        return outputSize;
    }

    public float getDropout() {
        return dropout;
    }

    public ActivationKind getActivation() {
        return activation;
    }

    @Override
    public String toString() {
        return "MlpHead(hidden=" + hiddenWidth + " x " + depth + ", out=" + outputSize + ", " + activation.id()
                + ", dropout=" + dropout + ")";
    }

    /** Builds an {@link MlpHead}. */
    public static final class Builder {
        private int hiddenWidth = -1;
        private int depth = -1;
        private int outputSize = -1;
        private float dropout;
        private ActivationKind activation = ActivationKind.RELU;

        Builder() {}

        /** Required: units of every hidden layer. */
        public Builder setHiddenWidth(int hiddenWidth) {
            this.hiddenWidth = hiddenWidth;
            return this;
        }

        /** Required: number of hidden layers (0 gives a single linear map). */
        public Builder setDepth(int depth) {
            this.depth = depth;
            return this;
        }

        /** Required: output units. */
        public Builder setOutputSize(int outputSize) {
            this.outputSize = outputSize;
            return this;
        }

        /** Optional dropout rate after each hidden activation, in [0, 1); default 0. */
        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        /** Optional hidden activation; default ReLU. */
        public Builder optActivation(ActivationKind activation) {
            this.activation = activation;
            return this;
        }

        public MlpHead build() {
            if (depth < 0) {
                throw new IllegalArgumentException("MlpHead needs setDepth(n) with n >= 0 hidden layers, got " + depth);
            }
            if (depth > 0 && hiddenWidth <= 0) {
                throw new IllegalArgumentException("MlpHead needs setHiddenWidth(w) with w > 0, got " + hiddenWidth);
            }
            if (outputSize <= 0) {
                throw new IllegalArgumentException("MlpHead needs setOutputSize(n) with n > 0, got " + outputSize);
            }
            if (!(dropout >= 0f && dropout < 1f)) {
                throw new IllegalArgumentException("MlpHead dropout must be in [0, 1), got " + dropout);
            }
            if (activation == null) {
                throw new IllegalArgumentException("MlpHead activation must not be null");
            }
            return new MlpHead(this);
        }
    }
}
