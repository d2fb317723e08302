package dev.orbit.zoo.eval;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.orbit.datasets.images.ImageDataset;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * Full-batch gradient descent of one network on a fixed set of labelled images, mean cross-entropy:
 * the plainest training there is, so that what symmetry predicts about it (conserved quantities,
 * teleportation) can be checked without an optimizer's own effects. Small networks and image sets
 * only (the whole set goes through in one pass).
 */
public final class GradientDescent implements AutoCloseable {

    private final NetworkSpec spec;
    private final NDManager manager;
    private final SequentialBlock block;
    private final ParameterStore store;
    private final NDArray images;
    private final NDArray labels;

    /**
     * @param spec the architecture, with its hidden activation
     * @param data labelled images of the shape the network reads
     * @param count the first {@code count} images are the training set (0 = all)
     */
    public GradientDescent(NetworkSpec spec, ImageDataset data, int count) {
        this.spec = spec;
        this.manager = NDManager.newBaseManager();
        this.block = spec.toBlock(0f);
        block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(new Shape(spec.inputShape())));
        this.store = new ParameterStore(manager, false);
        int n = count <= 0 ? data.size() : Math.min(count, data.size());
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[i] = i;
        }
        this.images = data.images(manager, index); // (n, 1, H, W)
        this.labels = data.labels(manager, index).toType(DataType.INT64, false); // (n)
    }

    /**
     * He-normal weights (N(0, 2 / fan-in), fan-in counting kernel taps) and zero biases, from a seed:
     * the usual start for ReLU networks.
     */
    public static float[] heNormal(NetworkSpec spec, long seed) {
        Random random = new Random(seed);
        float[] w = new float[Math.toIntExact(spec.parameterCount())];
        int offset = 0;
        for (LayerSpec layer : spec.layers()) {
            double std = Math.sqrt(2.0 / (layer.inNeurons() * layer.filterSize()));
            for (long i = 0; i < layer.weightCount(); i++) {
                w[offset++] = (float) (std * random.nextGaussian());
            }
            offset += layer.outNeurons(); // biases stay 0
        }
        return w;
    }

    /** The mean cross-entropy at {@code weights}. */
    public double loss(float[] weights) {
        spec.copyToBlock(weights, block);
        NDArray logits = block.forward(store, new NDList(images), false).singletonOrThrow(); // (n, K)
        NDArray value = crossEntropy(logits);
        double out = value.getFloat();
        logits.close();
        value.close();
        return out;
    }

    /** The gradient of the mean cross-entropy at {@code weights}, flat in canonical order. */
    public float[] gradient(float[] weights) {
        spec.copyToBlock(weights, block);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logits = block.forward(store, new NDList(images), true).singletonOrThrow(); // (n, K)
            collector.backward(crossEntropy(logits));
        }
        float[] g = new float[weights.length];
        int offset = 0;
        for (Block layer : NetworkSpec.layerBlocks(block)) {
            for (String name : new String[] {"weight", "bias"}) {
                NDArray grad = layer.getParameters().get(name).getArray().getGradient();
                float[] part = grad.toFloatArray();
                grad.set(new ai.djl.ndarray.index.NDIndex(":"), 0f); // the collector accumulates: start the next backward at 0
                System.arraycopy(part, 0, g, offset, part.length);
                offset += part.length;
            }
        }
        return g;
    }

    /**
     * Runs {@code steps} steps θ ← θ − lr·∇L(θ), calling {@code beforeStep} first at every step
     * (it may move θ, e.g. teleport; return θ to leave it).
     *
     * @return the weights after the last step and the loss before every step and after the last
     */
    public Trace run(float[] initial, float lr, int steps, BiFunction<Integer, float[], float[]> beforeStep) {
        float[] w = initial.clone();
        double[] losses = new double[steps + 1];
        for (int s = 0; s < steps; s++) {
            w = beforeStep.apply(s, w);
            losses[s] = loss(w);
            float[] g = gradient(w);
            for (int i = 0; i < w.length; i++) {
                w[i] -= lr * g[i];
            }
        }
        losses[steps] = loss(w);
        return new Trace(w, losses);
    }

    /** Mean cross-entropy of logits (n, K) against the labels. */
    private NDArray crossEntropy(NDArray logits) {
        return logits.logSoftmax(1).gather(labels.expandDims(1), 1).neg().mean(); // ()
    }

    @Override
    public void close() {
        manager.close();
    }

    /**
     * A run.
     *
     * @param weights the weights at the end
     * @param losses the loss at every step, before it, and after the last
     */
    public record Trace(float[] weights, double[] losses) {}
}
