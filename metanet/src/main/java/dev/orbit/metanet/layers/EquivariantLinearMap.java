package dev.orbit.metanet.layers;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationGroup;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The maths shared by {@link NpLinear} and {@link HnpLinear}: a permutation-equivariant linear map
 * between weight spaces, C_in -> C_out channels (NFN, Zhou et al. 2023, §3 and its appendix).
 *
 * <p>Each output tensor is a sum of terms, each a learned channel mix (a {@code matMul} over the
 * channels-last axis) of one pooled quantity broadcast back ({@link PooledQuantities}):
 *
 * <pre>
 *   W'_l = W_l·P + g·G + N_l·R (same for every row) + N_{l+1}·K (same for every column) + c
 *   b'_l = N_{l+1}·K_b + g·G_b + c_b
 * </pre>
 *
 * A fixed boundary (HNP's input or output) has no neuron features of its own: its neurons are
 * folded into channels instead. For W_0 with fixed inputs every term is then indexed by the output
 * neuron only: the pointwise term becomes part of N_1 (which holds W_0's whole rows) and the
 * row-broadcast term part of g; the last layer is the mirror image. So one rule covers every layer
 * of both variants, and the only special case is the final unfolding of the fixed axis.
 */
final class EquivariantLinearMap {

    private static final byte SIGNATURE_VERSION = 1;

    /** Which output tensor a term writes. */
    enum Target {
        WEIGHT,
        BIAS
    }

    /** Which pooled quantity a term reads. */
    enum Source {
        /** W_l itself, entry by entry (both boundaries permutable). */
        POINTWISE,
        /** The global vector g. */
        GLOBAL,
        /** N_l, features of the input neurons, broadcast along rows. */
        INPUT_NEURONS,
        /** N_{l+1}, features of the output neurons, broadcast along columns. */
        OUTPUT_NEURONS,
        /** A learned constant (the bias of the map). */
        CONSTANT
    }

    private final NetworkSpec spec;
    private final int inChannels;
    private final int outChannels;
    private final PooledQuantities pooling;
    private final int[] neurons;
    /** terms.get(target).get(layer): the parameters of that output tensor, by source. */
    private final Map<Target, List<Map<Source, Parameter>>> terms = new EnumMap<>(Target.class);
    private final Map<Parameter, Shape> shapes = new LinkedHashMap<>();

    EquivariantLinearMap(NetworkSpec spec, int inChannels, int outChannels, PermutationGroup permutable) {
        this.spec = spec;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.pooling = new PooledQuantities(spec, inChannels, permutable);
        this.neurons = spec.neuronCounts();
        for (int l = 0; l < spec.numLayers(); l++) {
            if (!pooling.isPermutable(l) && !pooling.isPermutable(l + 1)) {
                throw new IllegalArgumentException("Layer " + l + " of " + spec.describe()
                        + " has fixed input and output neurons, so no neuron is permutable; use NpLinear");
            }
        }
        for (Target target : Target.values()) {
            terms.put(target, new ArrayList<>());
        }
        for (int l = 0; l < spec.numLayers(); l++) {
            for (Target target : Target.values()) {
                terms.get(target).add(declareTerms(target, l));
            }
        }
    }

    /** The terms writing one output tensor; their initial scale uses the group's total fan-in. */
    private Map<Source, Parameter> declareTerms(Target target, int l) {
        boolean inFixed = !pooling.isPermutable(l);
        boolean outFixed = !pooling.isPermutable(l + 1);
        Map<Source, Integer> fanIn = new EnumMap<>(Source.class);
        if (target == Target.WEIGHT && !inFixed && !outFixed) {
            fanIn.put(Source.POINTWISE, inChannels * spec.layer(l).filterSize());
        }
        fanIn.put(Source.GLOBAL, pooling.globalWidth());
        if (target == Target.WEIGHT && !inFixed) {
            fanIn.put(Source.INPUT_NEURONS, pooling.neuronWidth(l));
        }
        if (!outFixed) {
            fanIn.put(Source.OUTPUT_NEURONS, pooling.neuronWidth(l + 1));
        }
        long width = outputWidth(target, l);
        int total = fanIn.values().stream().mapToInt(Integer::intValue).sum();
        // He initialisation on the output's total fan-in (NFN's "kaiming_normal"): keeps the feature
        // scale steady through deep ReLU stacks, where NFN's default U(±1/sqrt(fan-in)) shrinks it
        // about threefold per layer until only the biases are left.
        Initializer weights = new NormalInitializer((float) Math.sqrt(2.0 / total));
        String prefix = (target == Target.WEIGHT ? "W" : "b") + l + "_";
        Map<Source, Parameter> declared = new EnumMap<>(Source.class);
        for (Map.Entry<Source, Integer> e : fanIn.entrySet()) {
            declared.put(e.getKey(), declare(prefix + name(e.getKey()), Parameter.Type.WEIGHT, weights,
                    new Shape(e.getValue(), width)));
        }
        declared.put(Source.CONSTANT, declare(prefix + name(Source.CONSTANT), Parameter.Type.BIAS, Initializer.ZEROS,
                new Shape(width)));
        return declared;
    }

    private Parameter declare(String name, Parameter.Type type, Initializer initializer, Shape shape) {
        Parameter p = Parameter.builder()
                .setName(name)
                .setType(type)
                .optInitializer(initializer)
                .build();
        shapes.put(p, shape);
        return p;
    }

    private static String name(Source source) {
        switch (source) {
            case POINTWISE:
                return "pointwise";
            case GLOBAL:
                return "global";
            case INPUT_NEURONS:
                return "inputNeurons";
            case OUTPUT_NEURONS:
                return "outputNeurons";
            default:
                return "bias";
        }
    }

    /**
     * Output channels a term of {@code target} at layer {@code l} produces per broadcast position:
     * C_out (times the filter size for weights), times every fixed neuron axis folded into channels.
     */
    private long outputWidth(Target target, int l) {
        long width = target == Target.WEIGHT ? (long) outChannels * spec.layer(l).filterSize() : outChannels;
        if (target == Target.WEIGHT && !pooling.isPermutable(l)) {
            width *= neurons[l];
        }
        if (!pooling.isPermutable(l + 1)) {
            width *= neurons[l + 1];
        }
        return width;
    }

    /** The checks every equivariant linear layer's {@code build()} makes, with the messages a user sees. */
    static void checkSettings(String block, NetworkSpec spec, int inChannels, int outChannels) {
        if (spec == null) {
            throw new IllegalArgumentException(block + " needs setNetworkSpec(spec): the architecture whose weights it reads");
        }
        if (inChannels <= 0) {
            throw new IllegalArgumentException(block + " in channels must be positive (1 for raw weights), got " + inChannels);
        }
        if (outChannels <= 0) {
            throw new IllegalArgumentException(block + " needs setOutChannels(c) with c > 0, got " + outChannels);
        }
    }

    /** Every parameter, in a fixed order: layer by layer, the weight's terms then the bias's. */
    List<Parameter> parameters() {
        return new ArrayList<>(shapes.keySet());
    }

    /** The parameter of one term, or null when the term does not exist in this variant. */
    Parameter term(Target target, int layer, Source source) {
        return terms.get(target).get(layer).get(source);
    }

    PooledQuantities pooling() {
        return pooling;
    }

    /** Sets every parameter's shape after checking the input shapes. */
    void prepare(Shape[] inputShapes, String block) {
        checkInputShapes(inputShapes, block);
        shapes.forEach(Parameter::setShape);
    }

    /** The interleaved weight-space NDList: W_0, b_0, W_1, b_1, ... with C_out channels. */
    NDList forward(ParameterStore store, NDList inputs, boolean training) {
        WeightSpaceFeatures x = WeightSpaceFeatures.fromNDList(inputs);
        PooledQuantities.Values pooled = pooling.compute(x);
        NDList out = new NDList(inputs.size());
        for (int l = 0; l < spec.numLayers(); l++) {
            out.add(weightOutput(store, x, pooled, l, training)); // (B, n_{l+1}, n_l, C_out * f_l)
            out.add(biasOutput(store, pooled, l, training)); // (B, n_{l+1}, C_out)
        }
        return out;
    }

    private NDArray weightOutput(
            ParameterStore store, WeightSpaceFeatures x, PooledQuantities.Values pooled, int l, boolean training) {
        Map<Source, Parameter> t = terms.get(Target.WEIGHT).get(l);
        NDArray w = x.weight(l); // (B, n_out, n_in, C_in * f)
        long batch = w.getShape().get(0);
        long channels = (long) outChannels * spec.layer(l).filterSize();
        boolean inFixed = !pooling.isPermutable(l);
        boolean outFixed = !pooling.isPermutable(l + 1);
        NDArray global = pooled.global().matMul(value(store, t, Source.GLOBAL, w, training))
                .add(value(store, t, Source.CONSTANT, w, training)); // (B, width)
        if (inFixed) {
            NDArray z = pooled.neurons(l + 1).matMul(value(store, t, Source.OUTPUT_NEURONS, w, training)) // (B, n_out, Co * n_in)
                    .add(global.expandDims(1)); // (B, n_out, Co * n_in)
            return unfold(z, channels, neurons[l]); // (B, n_out, n_in, Co)
        }
        if (outFixed) {
            NDArray z = pooled.neurons(l).matMul(value(store, t, Source.INPUT_NEURONS, w, training)) // (B, n_in, Co * n_out)
                    .add(global.expandDims(1)); // (B, n_in, Co * n_out)
            return unfold(z, channels, neurons[l + 1]).transpose(0, 2, 1, 3); // (B, n_out, n_in, Co)
        }
        // The broadcast terms are summed on the small tensors first and reach the full size once, as
        // the "bias" of one fused matmul-add (addmm): one full-size pass instead of three, and in the
        // backward pass two reductions of the full-size gradient instead of three.
        long nOut = w.getShape().get(1);
        long nIn = w.getShape().get(2);
        long rows = batch * nOut * nIn;
        NDArray perOutput = pooled.neurons(l + 1).matMul(value(store, t, Source.OUTPUT_NEURONS, w, training)) // (B, n_out, Co)
                .add(global.expandDims(1)); // (B, n_out, Co)
        NDArray perInput = pooled.neurons(l).matMul(value(store, t, Source.INPUT_NEURONS, w, training)); // (B, n_in, Co)
        NDArray broadcast = perInput.expandDims(1).add(perOutput.expandDims(2)); // (B, n_out, n_in, Co)
        NDArray pointwise = value(store, t, Source.POINTWISE, w, training).transpose(); // (Co, C_in * f), a view
        pointwise.attach(w.getManager()); // a view made from the parameter would join the model's manager for good
        NDArray y = Linear.linear(w.reshape(rows, -1), pointwise, broadcast.reshape(rows, channels))
                .singletonOrThrow(); // (B * n_out * n_in, Co) = w·P + broadcast
        return y.reshape(batch, nOut, nIn, channels); // (B, n_out, n_in, Co)
    }

    private NDArray biasOutput(ParameterStore store, PooledQuantities.Values pooled, int l, boolean training) {
        Map<Source, Parameter> t = terms.get(Target.BIAS).get(l);
        NDArray g = pooled.global(); // (B, D_g)
        NDArray global = g.matMul(value(store, t, Source.GLOBAL, g, training))
                .add(value(store, t, Source.CONSTANT, g, training)); // (B, width)
        if (!pooling.isPermutable(l + 1)) {
            return global.reshape(g.getShape().get(0), outChannels, neurons[l + 1]) // (B, C_out, n_out)
                    .transpose(0, 2, 1); // (B, n_out, C_out)
        }
        return pooled.neurons(l + 1).matMul(value(store, t, Source.OUTPUT_NEURONS, g, training)) // (B, n_out, C_out)
                .add(global.expandDims(1)); // (B, n_out, C_out)
    }

    /** (B, k, c * m) with a fixed axis of m neurons folded channel-major -> (B, k, m, c). */
    private static NDArray unfold(NDArray z, long channels, long m) {
        Shape s = z.getShape();
        return z.reshape(s.get(0), s.get(1), channels, m).transpose(0, 1, 3, 2);
    }

    private static NDArray value(
            ParameterStore store, Map<Source, Parameter> t, Source source, NDArray like, boolean training) {
        return store.getValue(t.get(source), like.getDevice(), training);
    }

    /** Output shapes: the input's, with C_in replaced by C_out. */
    Shape[] outputShapes(Shape[] inputShapes, String block) {
        checkInputShapes(inputShapes, block);
        Shape[] out = new Shape[inputShapes.length];
        for (int l = 0; l < spec.numLayers(); l++) {
            Shape w = inputShapes[2 * l];
            Shape b = inputShapes[2 * l + 1];
            out[2 * l] = new Shape(w.get(0), w.get(1), w.get(2), (long) outChannels * spec.layer(l).filterSize());
            out[2 * l + 1] = new Shape(b.get(0), b.get(1), outChannels);
        }
        return out;
    }

    /** Rejects inputs that are not C_in-channel features of this spec, naming the first mismatch. */
    void checkInputShapes(Shape[] inputShapes, String block) {
        int channels = WeightSpaceShapes.channels(spec, inputShapes, block);
        if (channels != inChannels) {
            throw new IllegalArgumentException(
                    block + " was built for C_in = " + inChannels + " channels but got features with C = " + channels);
        }
    }

    /** Checks the actual arrays of a forward pass (cheap: shapes only). */
    void checkInputs(NDList inputs, String block) {
        checkInputShapes(inputs.getShapes(), block);
    }

    /** Writes what the parameters were built for, so a mismatched load fails with a clear message. */
    void saveSignature(DataOutputStream os) throws IOException {
        os.writeByte(SIGNATURE_VERSION);
        os.writeUTF(spec.toJson());
        os.writeInt(inChannels);
        os.writeInt(outChannels);
    }

    /** Reads {@link #saveSignature} and rejects parameters saved for another spec or channel count. */
    void checkSignature(DataInputStream is, String block) throws IOException, MalformedModelException {
        byte version = is.readByte();
        if (version != SIGNATURE_VERSION) {
            throw new MalformedModelException(block + ": unknown parameter-file version " + version);
        }
        NetworkSpec saved = NetworkSpec.fromJson(is.readUTF());
        int savedIn = is.readInt();
        int savedOut = is.readInt();
        if (!saved.equals(spec) || savedIn != inChannels || savedOut != outChannels) {
            throw new MalformedModelException(block + ": the parameters were saved for " + saved.describe()
                    + " with " + savedIn + " -> " + savedOut + " channels, but this layer is for "
                    + spec.describe() + " with " + inChannels + " -> " + outChannels);
        }
    }

    @Override
    public String toString() {
        return inChannels + " -> " + outChannels + " channels on " + spec.describe()
                + " (fixed boundaries: " + Arrays.toString(fixedBoundaries()) + ")";
    }

    private int[] fixedBoundaries() {
        return java.util.stream.IntStream.rangeClosed(0, spec.numLayers())
                .filter(k -> !pooling.isPermutable(k)).toArray();
    }
}
