package dev.orbit.metanet.space;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Batched weight-space features of an L-layer network: for each layer l a weight tensor
 * {@code (B, n_l, n_{l-1}, C_l)} and a bias tensor {@code (B, n_l, C)} (docs/DESIGN.md §2).
 *
 * <p>Rows are output neurons, as in DJL's {@code Linear}; channels come last. A convolution's k x k
 * kernel is folded into the weight channels, {@code C_l = C * kh * kw}, channel index
 * {@code c * kh * kw + (i * kw + j)} (the order NFN uses), so every layer is a matrix over neurons.
 * As an {@link NDList} the tensors are interleaved W_0, b_0, W_1, b_1, ... Immutable: operations
 * return new features.
 */
public final class WeightSpaceFeatures {

    private final List<NDArray> weights;
    private final List<NDArray> biases;

    private WeightSpaceFeatures(List<NDArray> weights, List<NDArray> biases) {
        if (weights.size() != biases.size() || weights.isEmpty()) {
            throw new IllegalArgumentException(
                    "Need one weight and one bias per layer, got " + weights.size() + " and " + biases.size());
        }
        this.weights = List.copyOf(weights);
        this.biases = List.copyOf(biases);
    }

    /** Features from per-layer weights (B, n_l, n_{l-1}, C_l) and biases (B, n_l, C). */
    public static WeightSpaceFeatures of(List<NDArray> weights, List<NDArray> biases) {
        return new WeightSpaceFeatures(weights, biases);
    }

    /** Reads the interleaved list W_0, b_0, W_1, b_1, ... */
    public static WeightSpaceFeatures fromNDList(NDList list) {
        if (list.size() % 2 != 0) {
            throw new IllegalArgumentException("Weight-space NDList must hold W_l, b_l pairs; got " + list.size());
        }
        List<NDArray> w = new ArrayList<>();
        List<NDArray> b = new ArrayList<>();
        for (int i = 0; i < list.size(); i += 2) {
            w.add(list.get(i));
            b.add(list.get(i + 1));
        }
        return new WeightSpaceFeatures(w, b);
    }

    /** The interleaved list W_0, b_0, W_1, b_1, ... */
    public NDList toNDList() {
        NDList list = new NDList(2 * weights.size());
        for (int i = 0; i < weights.size(); i++) {
            list.add(weights.get(i));
            list.add(biases.get(i));
        }
        return list;
    }

    /**
     * Raw parameters of a batch of networks as features with C = 1.
     *
     * @param parameters canonical order W_0, b_0, ...; each with a leading batch axis: weights
     *     (B, out, in) or (B, out, in, kh, kw), biases (B, out)
     */
    public static WeightSpaceFeatures fromParameterBatch(NetworkSpec spec, List<NDArray> parameters) {
        checkCount(spec, parameters);
        List<NDArray> w = new ArrayList<>();
        List<NDArray> b = new ArrayList<>();
        for (int l = 0; l < spec.numLayers(); l++) {
            LayerSpec layer = spec.layer(l);
            NDArray weight = parameters.get(2 * l);
            NDArray bias = parameters.get(2 * l + 1);
            long batch = weight.getShape().get(0);
            expectShape(weight, batch, layer.weightShape(), "weight of layer " + l);
            expectShape(bias, batch, layer.biasShape(), "bias of layer " + l);
            // (B, out, in[, kh, kw]) -> (B, out, in, kh*kw)
            w.add(weight.reshape(batch, layer.outNeurons(), layer.inNeurons(), layer.filterSize()));
            b.add(bias.reshape(batch, layer.outNeurons(), 1)); // (B, out, 1)
        }
        return new WeightSpaceFeatures(w, b);
    }

    /** One network's raw parameters (canonical order, DJL shapes, no batch axis) as B = 1, C = 1. */
    public static WeightSpaceFeatures fromParameters(NetworkSpec spec, List<NDArray> parameters) {
        checkCount(spec, parameters);
        List<NDArray> batched = new ArrayList<>();
        for (NDArray p : parameters) {
            batched.add(p.expandDims(0));
        }
        return fromParameterBatch(spec, batched);
    }

    /** The parameters of an initialised DJL block of this spec, as B = 1, C = 1 features. */
    public static WeightSpaceFeatures fromBlock(NetworkSpec spec, Block block) {
        List<NDArray> params = new ArrayList<>();
        for (Block layer : NetworkSpec.layerBlocks(block)) {
            params.add(layer.getParameters().get("weight").getArray().duplicate()); // a copy, not a view
            params.add(layer.getParameters().get("bias").getArray().duplicate());
        }
        return fromParameters(spec, params);
    }

    /** A batch of flat canonical parameter vectors (B, P) as C = 1 features. */
    public static WeightSpaceFeatures fromFlat(NetworkSpec spec, NDArray flat) {
        if (flat.getShape().dimension() != 2 || flat.getShape().get(1) != spec.parameterCount()) {
            throw new IllegalArgumentException(
                    "Expected flat weights (B, " + spec.parameterCount() + "), got " + flat.getShape());
        }
        long batch = flat.getShape().get(0);
        List<NDArray> params = new ArrayList<>();
        long offset = 0;
        for (LayerSpec layer : spec.layers()) {
            for (Shape shape : List.of(layer.weightShape(), layer.biasShape())) {
                long size = shape.size();
                NDArray slice = flat.get(new NDIndex(":, {}:{}", offset, offset + size));
                params.add(slice.reshape(new Shape(batch).addAll(shape)));
                offset += size;
            }
        }
        return fromParameterBatch(spec, params);
    }

    /** The raw parameters (C = 1 only) in canonical order, each with the batch axis first. */
    public List<NDArray> toParameterBatch(NetworkSpec spec) {
        checkLayers(spec);
        List<NDArray> params = new ArrayList<>();
        long batch = batchSize();
        for (int l = 0; l < spec.numLayers(); l++) {
            LayerSpec layer = spec.layer(l);
            if (weights.get(l).getShape().get(3) != layer.filterSize() || biases.get(l).getShape().get(2) != 1) {
                throw new IllegalStateException("Only single-channel features are raw parameters");
            }
            params.add(weights.get(l).reshape(new Shape(batch).addAll(layer.weightShape())));
            params.add(biases.get(l).reshape(batch, layer.outNeurons()));
        }
        return params;
    }

    /** The flat canonical parameter vectors (B, P) (C = 1 only). */
    public NDArray toFlat(NetworkSpec spec) {
        long batch = batchSize();
        NDList parts = new NDList();
        for (NDArray p : toParameterBatch(spec)) {
            parts.add(p.reshape(batch, -1));
        }
        return NDArrays.concat(parts, 1);
    }

    /** Writes network {@code index} of this batch (C = 1) into an initialised DJL block of {@code spec}. */
    public void copyToBlock(NetworkSpec spec, Block block, int index) {
        spec.copyToBlock(toFlat(spec).get(index).toFloatArray(), block);
    }

    /** Applies {@code f} to every tensor. */
    public WeightSpaceFeatures map(UnaryOperator<NDArray> f) {
        List<NDArray> w = new ArrayList<>();
        List<NDArray> b = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            w.add(f.apply(weights.get(i)));
            b.add(f.apply(biases.get(i)));
        }
        return new WeightSpaceFeatures(w, b);
    }

    /** Networks {@code from} (inclusive) to {@code to} (exclusive) of the batch. */
    public WeightSpaceFeatures slice(long from, long to) {
        return map(a -> a.get(new NDIndex("{}:{}", from, to)));
    }

    /** Concatenates batches along the batch axis. */
    public static WeightSpaceFeatures concat(List<WeightSpaceFeatures> parts) {
        List<NDArray> w = new ArrayList<>();
        List<NDArray> b = new ArrayList<>();
        int layers = parts.get(0).numLayers();
        for (int l = 0; l < layers; l++) {
            NDList ws = new NDList();
            NDList bs = new NDList();
            for (WeightSpaceFeatures p : parts) {
                ws.add(p.weight(l));
                bs.add(p.bias(l));
            }
            w.add(NDArrays.concat(ws, 0));
            b.add(NDArrays.concat(bs, 0));
        }
        return new WeightSpaceFeatures(w, b);
    }

    /** Attaches every tensor to {@code manager} (e.g. to outlive a temporary scope). */
    public WeightSpaceFeatures attach(NDManager manager) {
        for (int i = 0; i < weights.size(); i++) {
            weights.get(i).attach(manager);
            biases.get(i).attach(manager);
        }
        return this;
    }

    public int numLayers() {
        return weights.size();
    }

    /** Layer {@code l}'s weight features (B, n_l, n_{l-1}, C_l). */
    public NDArray weight(int l) {
        return weights.get(l);
    }

    /** Layer {@code l}'s bias features (B, n_l, C). */
    public NDArray bias(int l) {
        return biases.get(l);
    }

    public List<NDArray> weights() {
        return weights;
    }

    public List<NDArray> biases() {
        return biases;
    }

    public long batchSize() {
        return weights.get(0).getShape().get(0);
    }

    /** Bias channels C (weights carry C times the kernel size). */
    public long channels() {
        return biases.get(0).getShape().get(2);
    }

    private void checkLayers(NetworkSpec spec) {
        if (spec.numLayers() != weights.size()) {
            throw new IllegalArgumentException(
                    "Features have " + weights.size() + " layers but the spec has " + spec.numLayers());
        }
    }

    private static void checkCount(NetworkSpec spec, List<NDArray> parameters) {
        if (parameters.size() != 2 * spec.numLayers()) {
            throw new IllegalArgumentException(
                    "Expected " + 2 * spec.numLayers() + " parameter tensors (W, b per layer), got " + parameters.size());
        }
    }

    private static void expectShape(NDArray array, long batch, Shape expected, String what) {
        Shape want = new Shape(batch).addAll(expected);
        if (!array.getShape().equals(want)) {
            throw new IllegalArgumentException("The " + what + " has shape " + array.getShape() + ", expected " + want);
        }
    }
}
