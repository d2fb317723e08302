package dev.orbit.metanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import dev.orbit.metanet.space.NetworkSpec;

/**
 * Injects a per-network condition vector (a diffusion time embedding, a target accuracy, an
 * activation) into weight-space features, one learned value per tensor and channel:
 * {@code W_l[b, i, j, c] += s^W_l[b, c]} and {@code b_l[b, i, c] += s^b_l[b, c]} with
 * {@code s = A e_b + a}, e_b the network's condition. The value is the same at every neuron of a
 * tensor, so the layer commutes with every neuron permutation: it is how a diffusion U-Net adds its
 * time embedding per channel, made equivariant for weight space.
 *
 * <p>Input: W_0, b_0, ..., W_{L-1}, b_{L-1} (weights (B, n_l, n_{l-1}, C_l), biases (B, n_l, C)),
 * then the condition (B, E). Output: the 2L tensors, shifted. The shift starts at zero (A and a are
 * initialised to zero), so a model begins as it would without the condition.
 */
public final class ConditionShift extends AbstractBlock {

    private static final byte VERSION = 1;

    private final NetworkSpec spec;
    private final Parameter mix;
    private final Parameter offset;

    ConditionShift(Builder builder) {
        super(VERSION);
        this.spec = builder.spec;
        this.mix = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optInitializer(builder.zeroStart ? Initializer.ZEROS : new XavierInitializer()).build());
        this.offset = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optInitializer(Initializer.ZEROS).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        int tensors = 2 * spec.numLayers();
        NDArray condition = inputs.get(tensors); // (B, E)
        NDArray a = parameterStore.getValue(mix, condition.getDevice(), training); // (S, E)
        NDArray alpha = parameterStore.getValue(offset, condition.getDevice(), training); // (S)
        NDArray shift = Linear.linear(condition, a, alpha).singletonOrThrow(); // (B, S)
        long batch = condition.getShape().get(0);
        NDList out = new NDList(tensors);
        long at = 0;
        for (int i = 0; i < tensors; i++) {
            NDArray x = inputs.get(i); // (B, n_l, n_{l-1}, C_l) or (B, n_l, C)
            long channels = x.getShape().getLastDimension();
            NDArray s = shift.get("..., {}:{}", at, at + channels); // (B, C_l)
            Shape broadcast = x.getShape().dimension() == 4 ? new Shape(batch, 1, 1, channels) : new Shape(batch, 1, channels);
            out.add(x.add(s.reshape(broadcast))); // the same shift at every neuron
            at += channels;
        }
        return out;
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        checkInputs(inputShapes);
        mix.setShape(new Shape(shiftSize(inputShapes), inputShapes[inputShapes.length - 1].get(1)));
        offset.setShape(new Shape(shiftSize(inputShapes)));
    }

    private long shiftSize(Shape[] shapes) {
        long size = 0;
        for (int i = 0; i < 2 * spec.numLayers(); i++) {
            size += shapes[i].getLastDimension();
        }
        return size;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkInputs(inputShapes);
        Shape[] out = new Shape[2 * spec.numLayers()];
        System.arraycopy(inputShapes, 0, out, 0, out.length);
        return out;
    }

    private void checkInputs(Shape[] shapes) {
        int tensors = 2 * spec.numLayers();
        if (shapes.length != tensors + 1) {
            throw new IllegalArgumentException("ConditionShift expects " + tensors
                    + " weight-space tensors (W_l, b_l per layer) and a condition (B, E), got " + shapes.length
                    + " arrays");
        }
        Shape condition = shapes[tensors];
        if (condition.dimension() != 2 || condition.get(0) != shapes[0].get(0)) {
            throw new IllegalArgumentException("ConditionShift expects a condition of shape (B, E) with B = "
                    + shapes[0].get(0) + ", got " + condition);
        }
    }

    @Override
    public String toString() {
        return "ConditionShift(layers=" + spec.numLayers() + ")";
    }

    /** Builds a {@link ConditionShift}. */
    public static final class Builder {
        private NetworkSpec spec;
        private boolean zeroStart = true;

        Builder() {}

        /** Required: the architecture whose weight-space features are shifted. */
        public Builder setNetworkSpec(NetworkSpec spec) {
            this.spec = spec;
            return this;
        }

        /** Optional: start the condition's map at zero (default) or at a Xavier draw (for tests). */
        public Builder optZeroStart(boolean zeroStart) {
            this.zeroStart = zeroStart;
            return this;
        }

        public ConditionShift build() {
            if (spec == null) {
                throw new IllegalArgumentException("ConditionShift needs setNetworkSpec(spec)");
            }
            return new ConditionShift(this);
        }
    }
}
