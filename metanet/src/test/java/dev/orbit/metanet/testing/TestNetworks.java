package dev.orbit.metanet.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.ndarray.NDList;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import java.util.ArrayList;
import java.util.List;

/** Shared test support: seeded random weight-space features and initialised networks. */
public final class TestNetworks {

    private TestNetworks() {}

    /**
     * Seeded random features of {@code spec}: weights (B, n_l, n_{l-1}, C * filter) and biases
     * (B, n_l, C), standard normal.
     */
    public static WeightSpaceFeatures randomFeatures(NDManager manager, NetworkSpec spec, int batch, int channels, long seed) {
        java.util.Random random = new java.util.Random(seed);
        List<NDArray> w = new ArrayList<>();
        List<NDArray> b = new ArrayList<>();
        for (LayerSpec layer : spec.layers()) {
            w.add(gaussian(manager, random, new Shape(batch, layer.outNeurons(), layer.inNeurons(),
                    (long) channels * layer.filterSize())));
            b.add(gaussian(manager, random, new Shape(batch, layer.outNeurons(), channels)));
        }
        return WeightSpaceFeatures.of(w, b);
    }

    /** A standard-normal array drawn from {@code random} (independent of the engine's seed). */
    public static NDArray gaussian(NDManager manager, java.util.Random random, Shape shape) {
        float[] data = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return manager.create(data, shape);
    }

    /** An initialised DJL block computing {@code spec}, with seeded N(0, std) weights. */
    public static Block initialisedBlock(NDManager manager, NetworkSpec spec, float std, long seed) {
        Block block = spec.toBlock(0f);
        block.setInitializer(new NormalInitializer(std), ai.djl.nn.Parameter.Type.WEIGHT);
        block.setInitializer(new NormalInitializer(std), ai.djl.nn.Parameter.Type.BIAS);
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) seed);
        block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(new Shape(spec.inputShape())));
        return block;
    }

    /** Runs {@code block} in inference mode. */
    public static NDArray forward(NDManager manager, Block block, NDArray input) {
        return block.forward(new ParameterStore(manager, false), new NDList(input), false).singletonOrThrow();
    }

    /** Largest absolute difference between two arrays of the same shape. */
    public static float maxAbsDiff(NDArray a, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            throw new AssertionError("Shapes differ: " + a.getShape() + " vs " + b.getShape());
        }
        return a.sub(b).abs().max().getFloat();
    }

    /** Largest absolute difference over all tensors of two feature sets. */
    public static float maxAbsDiff(WeightSpaceFeatures a, WeightSpaceFeatures b) {
        float max = 0f;
        for (int l = 0; l < a.numLayers(); l++) {
            max = Math.max(max, maxAbsDiff(a.weight(l), b.weight(l)));
            max = Math.max(max, maxAbsDiff(a.bias(l), b.bias(l)));
        }
        return max;
    }

    /** Runs a block on a weight-space (or any) NDList; {@code training} switches dropout on. */
    public static NDList forward(NDManager manager, Block block, NDList inputs, boolean training) {
        return block.forward(new ParameterStore(manager, false), inputs, training);
    }

    /** Shapes of every array of a list, e.g. to initialise a block on weight-space features. */
    public static Shape[] shapesOf(NDList list) {
        Shape[] shapes = new Shape[list.size()];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = list.get(i).getShape();
        }
        return shapes;
    }

    /** Overwrites every parameter of an initialised block with seeded N(0, 1) values. */
    public static void randomiseParameters(Block block, long seed) {
        java.util.Random random = new java.util.Random(seed);
        for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters()) {
            NDArray array = p.getValue().getArray();
            float[] values = new float[Math.toIntExact(array.size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            array.set(values);
        }
    }

    /**
     * Backpropagates a seeded random linear functional of the block's outputs (training mode) and
     * asserts that every parameter receives a finite gradient with at least one non-zero entry,
     * naming the first parameter that does not. A random functional, not a plain sum, so that
     * normalisation layers (whose outputs sum to a constant) still pass gradient to every parameter.
     */
    public static void assertEveryParameterGetsAGradient(NDManager manager, Block block, NDList inputs, long seed) {
        java.util.Random random = new java.util.Random(seed);
        try (ai.djl.training.GradientCollector collector =
                ai.djl.engine.Engine.getInstance().newGradientCollector()) {
            NDList outputs = forward(manager, block, inputs, true);
            NDArray loss = null;
            for (NDArray out : outputs) {
                NDArray term = out.mul(gaussian(manager, random, out.getShape())).sum();
                loss = loss == null ? term : loss.add(term);
            }
            collector.backward(loss);
        }
        if (block.getParameters().isEmpty()) {
            throw new AssertionError(block + " has no parameters to check");
        }
        for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters()) {
            float[] grad = p.getValue().getArray().getGradient().toFloatArray();
            boolean nonZero = false;
            for (float g : grad) {
                if (!Float.isFinite(g)) {
                    throw new AssertionError("Parameter " + p.getKey() + " has a non-finite gradient");
                }
                nonZero |= g != 0f;
            }
            if (!nonZero) {
                throw new AssertionError("Parameter " + p.getKey() + " has an all-zero gradient");
            }
        }
    }
}
