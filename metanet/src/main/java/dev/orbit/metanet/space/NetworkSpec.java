package dev.orbit.metanet.space;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The architecture of the networks a metanet reads: an ordered list of dense / convolutional
 * layers, with global average pooling between the last convolution and the first dense layer.
 *
 * <p>Neurons are indexed by layer boundary: boundary 0 is the network's input, boundary L its
 * output, and boundaries 1..L-1 are hidden. Only hidden neurons are permutable (docs/DESIGN.md §1). The
 * canonical parameter order, used by flat vectors and files, is W_0, b_0, W_1, b_1, ... with each
 * tensor in DJL's own layout ({@link LayerSpec#weightShape()}).
 */
public final class NetworkSpec {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private final List<LayerSpec> layers;
    private final long[] inputShape;

    /**
     * Creates a spec.
     *
     * @param layers the parametrised layers, input to output
     * @param inputShape one example's input: (features) for an MLP, (channels, height, width) for a CNN
     */
    public NetworkSpec(List<LayerSpec> layers, long[] inputShape) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("A network spec needs at least one layer");
        }
        this.layers = List.copyOf(layers);
        this.inputShape = inputShape.clone();
        validate();
    }

    private void validate() {
        boolean seenDense = false;
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            if (layer.kind() == LayerKind.CONV2D && seenDense) {
                throw new IllegalArgumentException("Layer " + i + ": a convolution after a dense layer is not supported");
            }
            seenDense |= layer.kind() == LayerKind.DENSE;
            if (i > 0 && layers.get(i - 1).outNeurons() != layer.inNeurons()) {
                throw new IllegalArgumentException(
                        "Layer " + i + " expects " + layer.inNeurons() + " inputs but layer " + (i - 1)
                                + " gives " + layers.get(i - 1).outNeurons());
            }
        }
        if (layers.get(0).kind() == LayerKind.CONV2D) {
            if (inputShape.length != 3 || inputShape[0] != layers.get(0).inNeurons()) {
                throw new IllegalArgumentException(
                        "A CNN input shape must be (channels, height, width) with channels = "
                                + layers.get(0).inNeurons());
            }
        } else if (inputShape.length != 1 || inputShape[0] != layers.get(0).inNeurons()) {
            throw new IllegalArgumentException(
                    "An MLP input shape must be (" + layers.get(0).inNeurons() + ")");
        }
    }

    /** An MLP with the given widths (input first, output last) and one hidden activation. */
    public static NetworkSpec mlp(ActivationKind hiddenActivation, int... widths) {
        if (widths.length < 2) {
            throw new IllegalArgumentException("An MLP needs at least input and output widths");
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i + 1 < widths.length; i++) {
            boolean last = i + 2 == widths.length;
            layers.add(LayerSpec.dense(widths[i], widths[i + 1], last ? ActivationKind.IDENTITY : hiddenActivation));
        }
        return new NetworkSpec(layers, new long[] {widths[0]});
    }

    /**
     * The Small CNN Zoo network (Unterthiner et al. 2020): three 3x3 stride-2 'valid' convolutions
     * in->16->16->16 on 28x28 inputs, global average pooling, dense 16->10. For one input channel it
     * has 4,970 parameters.
     */
    public static NetworkSpec smallCnnZoo(ActivationKind activation, int inChannels, int imageSize) {
        List<LayerSpec> layers = List.of(
                LayerSpec.conv(inChannels, 16, 3, 2, 0, activation),
                LayerSpec.conv(16, 16, 3, 2, 0, activation),
                LayerSpec.conv(16, 16, 3, 2, 0, activation),
                LayerSpec.dense(16, 10, ActivationKind.IDENTITY));
        NetworkSpec spec = new NetworkSpec(layers, new long[] {inChannels, imageSize, imageSize});
        if (spec.convOutputSize(2) < 1) {
            throw new IllegalArgumentException(
                    "The Small CNN Zoo network needs inputs of at least 15x15; got " + imageSize + "x" + imageSize);
        }
        return spec;
    }

    /** The Small CNN Zoo network on 28x28 grayscale images. */
    public static NetworkSpec smallCnnZoo(ActivationKind activation) {
        return smallCnnZoo(activation, 1, 28);
    }

    /**
     * Builds a spec from declared parameter shapes in canonical order (W_0, b_0, W_1, b_1, ...):
     * 2-D weights are dense, 4-D weights are square convolutions with the given stride and padding.
     */
    public static NetworkSpec fromShapes(
            List<Shape> parameterShapes, long[] inputShape, ActivationKind hiddenActivation, int convStride, int convPadding) {
        if (parameterShapes.size() % 2 != 0) {
            throw new IllegalArgumentException(
                    "Expected weight and bias shapes in pairs, got " + parameterShapes.size() + " shapes");
        }
        List<LayerSpec> layers = new ArrayList<>();
        int count = parameterShapes.size() / 2;
        for (int i = 0; i < count; i++) {
            Shape w = parameterShapes.get(2 * i);
            Shape b = parameterShapes.get(2 * i + 1);
            if (b.dimension() != 1 || b.get(0) != w.get(0)) {
                throw new IllegalArgumentException("Layer " + i + ": bias shape " + b + " does not match weight " + w);
            }
            ActivationKind act = i + 1 == count ? ActivationKind.IDENTITY : hiddenActivation;
            if (w.dimension() == 2) {
                layers.add(LayerSpec.dense((int) w.get(1), (int) w.get(0), act));
            } else if (w.dimension() == 4 && w.get(2) == w.get(3)) {
                layers.add(LayerSpec.conv((int) w.get(1), (int) w.get(0), (int) w.get(2), convStride, convPadding, act));
            } else {
                throw new IllegalArgumentException("Layer " + i + ": unsupported weight shape " + w);
            }
        }
        return new NetworkSpec(layers, inputShape);
    }

    /**
     * Reads the spec of an initialised DJL block made of {@link Linear} and {@link Conv2d} layers
     * (in a {@link SequentialBlock}, possibly nested), with activations, pooling and flattening
     * between them. DJL's activation blocks are anonymous lambdas, so the hidden activation is given.
     */
    public static NetworkSpec fromBlock(Block block, long[] inputShape, ActivationKind hiddenActivation) {
        List<Block> parametrised = layerBlocks(block);
        if (parametrised.isEmpty()) {
            throw new IllegalArgumentException("The block has no Linear or Conv2d layer");
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < parametrised.size(); i++) {
            Block layer = parametrised.get(i);
            ActivationKind act = i + 1 == parametrised.size() ? ActivationKind.IDENTITY : hiddenActivation;
            Shape w = weightOf(layer).getArray().getShape();
            if (layer instanceof Conv2d) {
                Conv2d conv = (Conv2d) layer;
                Shape k = conv.getKernelShape();
                if (conv.getGroups() != 1 || !conv.isIncludeBias()) {
                    throw new IllegalArgumentException("Conv2d layer " + i + " must have one group and a bias");
                }
                if (conv.getStride().get(0) != conv.getStride().get(1) || conv.getPadding().get(0) != conv.getPadding().get(1)) {
                    throw new IllegalArgumentException("Conv2d layer " + i + " must have equal strides and paddings");
                }
                layers.add(new LayerSpec(LayerKind.CONV2D, (int) w.get(0), (int) w.get(1), (int) k.get(0), (int) k.get(1),
                        (int) conv.getStride().get(0), (int) conv.getPadding().get(0), act));
            } else {
                layers.add(LayerSpec.dense((int) w.get(1), (int) w.get(0), act));
            }
        }
        return new NetworkSpec(layers, inputShape);
    }

    /** The {@link Linear} and {@link Conv2d} blocks inside {@code block}, in forward order. */
    public static List<Block> layerBlocks(Block block) {
        List<Block> out = new ArrayList<>();
        collectLayers(block, out);
        return out;
    }

    /**
     * Copies one network's flat canonical weights (layer by layer, weight then bias, each in DJL's
     * layout) into an initialised DJL block of this spec: the one writer from flat weights to a block.
     *
     * @return the block's parameter arrays in that order
     */
    public List<NDArray> copyToBlock(float[] flat, Block block) {
        if (flat.length != parameterCount()) {
            throw new IllegalArgumentException("Expected " + parameterCount() + " flat weights for " + describe()
                    + ", got " + flat.length);
        }
        List<NDArray> arrays = new ArrayList<>();
        int offset = 0;
        for (Block layer : layerBlocks(block)) {
            for (String name : List.of("weight", "bias")) {
                NDArray array = layer.getParameters().get(name).getArray();
                int size = Math.toIntExact(array.size());
                // An indexed copy, not NDArray.set(float[]): that path makes libtorch print its
                // "AutoNonVariableTypeMode is deprecated" warning on stderr.
                try (NDManager scope = array.getManager().newSubManager()) {
                    float[] values = Arrays.copyOfRange(flat, offset, offset + size);
                    array.set(new NDIndex("..."), scope.create(values, array.getShape()));
                }
                arrays.add(array);
                offset += size;
            }
        }
        return arrays;
    }

    private static void collectLayers(Block block, List<Block> out) {
        if (block instanceof Linear || block instanceof Conv2d) {
            out.add(block);
            return;
        }
        for (Pair<String, Block> child : block.getChildren()) {
            collectLayers(child.getValue(), out);
        }
    }

    private static Parameter weightOf(Block layer) {
        Parameter weight = layer.getParameters().get("weight");
        if (weight == null || !weight.isInitialized()) {
            throw new IllegalArgumentException("Initialise the block before reading its NetworkSpec");
        }
        return weight;
    }

    /**
     * A DJL block computing this network: each layer, its activation, optional dropout after hidden
     * layers, and global average pooling after the last convolution.
     */
    public SequentialBlock toBlock(float dropoutRate) {
        SequentialBlock net = new SequentialBlock();
        if (layers.get(0).kind() == LayerKind.DENSE) {
            net.add(Blocks.batchFlattenBlock());
        }
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            if (layer.kind() == LayerKind.CONV2D) {
                net.add(Conv2d.builder()
                        .setKernelShape(new Shape(layer.kernelHeight(), layer.kernelWidth()))
                        .optStride(new Shape(layer.stride(), layer.stride()))
                        .optPadding(new Shape(layer.padding(), layer.padding()))
                        .setFilters(layer.outNeurons())
                        .build());
            } else {
                if (i > 0 && layers.get(i - 1).kind() == LayerKind.CONV2D) {
                    net.add(Pool.globalAvgPool2dBlock()); // (N, C, H, W) -> (N, C)
                }
                net.add(Linear.builder().setUnits(layer.outNeurons()).build());
            }
            if (layer.activation() != ActivationKind.IDENTITY) {
                ActivationKind act = layer.activation();
                net.add(new LambdaBlock(list -> new ai.djl.ndarray.NDList(act.apply(list.singletonOrThrow())),
                        act.id()));
                if (dropoutRate > 0f && i + 1 < layers.size()) {
                    net.add(ai.djl.nn.norm.Dropout.builder().optRate(dropoutRate).build());
                }
            }
        }
        return net;
    }

    /** Spatial output size of convolution {@code convIndex} on this spec's input (square images). */
    public long convOutputSize(int convIndex) {
        long size = inputShape[1];
        for (int i = 0; i <= convIndex; i++) {
            LayerSpec l = layers.get(i);
            size = (size + 2L * l.padding() - l.kernelHeight()) / l.stride() + 1;
        }
        return size;
    }

    /** The layers, input to output. */
    public List<LayerSpec> layers() {
        return layers;
    }

    /** Number of parametrised layers L. */
    public int numLayers() {
        return layers.size();
    }

    /** Layer {@code i}. */
    public LayerSpec layer(int i) {
        return layers.get(i);
    }

    /** One example's input shape. */
    public long[] inputShape() {
        return inputShape.clone();
    }

    /** Neuron counts at every boundary: n_0 (input), n_1, ..., n_L (output). */
    public int[] neuronCounts() {
        int[] n = new int[layers.size() + 1];
        n[0] = layers.get(0).inNeurons();
        for (int i = 0; i < layers.size(); i++) {
            n[i + 1] = layers.get(i).outNeurons();
        }
        return n;
    }

    /** Whether the neurons at a boundary are permutable: the hidden ones, 1..L-1. */
    public boolean isPermutable(int boundary) {
        return boundary > 0 && boundary < layers.size();
    }

    /** Total number of parameters. */
    public long parameterCount() {
        long total = 0;
        for (LayerSpec layer : layers) {
            total += layer.parameterCount();
        }
        return total;
    }

    /** Shapes of all parameters in canonical order W_0, b_0, W_1, b_1, ... (DJL layout). */
    public List<Shape> parameterShapes() {
        List<Shape> shapes = new ArrayList<>();
        for (LayerSpec layer : layers) {
            shapes.add(layer.weightShape());
            shapes.add(layer.biasShape());
        }
        return Collections.unmodifiableList(shapes);
    }

    /** Offset of layer {@code i}'s weight in the flat canonical vector; its bias follows it. */
    public long weightOffset(int i) {
        long offset = 0;
        for (int j = 0; j < i; j++) {
            offset += layers.get(j).parameterCount();
        }
        return offset;
    }

    /** JSON form, stored in zoo manifests and trained metanets. */
    public String toJson() {
        return GSON.toJson(new Json(layers, inputShape));
    }

    /** Parses {@link #toJson()}. */
    public static NetworkSpec fromJson(String json) {
        Json j = GSON.fromJson(json, Json.class);
        if (j == null || j.layers == null || j.inputShape == null) {
            throw new IllegalArgumentException("Not a NetworkSpec JSON: " + json);
        }
        return new NetworkSpec(j.layers, j.inputShape);
    }

    private static final class Json {
        final List<LayerSpec> layers;
        final long[] inputShape;

        Json(List<LayerSpec> layers, long[] inputShape) {
            this.layers = layers;
            this.inputShape = inputShape;
        }
    }

    /** A short human description, e.g. {@code conv3x3(1->16)/2 relu, ..., dense(16->10)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (LayerSpec l : layers) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            if (l.kind() == LayerKind.CONV2D) {
                sb.append("conv").append(l.kernelHeight()).append('x').append(l.kernelWidth())
                        .append('(').append(l.inNeurons()).append("->").append(l.outNeurons()).append(")/").append(l.stride());
            } else {
                sb.append("dense(").append(l.inNeurons()).append("->").append(l.outNeurons()).append(')');
            }
            if (l.activation() != ActivationKind.IDENTITY) {
                sb.append(' ').append(l.activation().id());
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NetworkSpec)) {
            return false;
        }
        NetworkSpec other = (NetworkSpec) o;
        return layers.equals(other.layers) && java.util.Arrays.equals(inputShape, other.inputShape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(layers, java.util.Arrays.hashCode(inputShape));
    }

    @Override
    public String toString() {
        return "NetworkSpec[" + describe() + "]";
    }
}
