package dev.orbit.zoo.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.orbit.datasets.images.ImageDataset;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerKind;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One architecture as a plain DJL block ({@link NetworkSpec#toBlock(float)}) into which any
 * network's flat weights are copied ({@link NetworkSpec#copyToBlock}) to score it on labelled
 * images or read its hidden activations. Inference only; images go through in chunks so memory
 * stays bounded on a whole test set.
 */
public final class NetworkRunner implements AutoCloseable {

    /** Images per forward pass: a Small CNN Zoo CNN's first layer holds 16·13·13 floats per image. */
    static final int CHUNK = 1000;

    private final NetworkSpec spec;
    private final NDManager manager;
    private final SequentialBlock block;
    private final ParameterStore store;

    /**
     * @param spec the architecture, with the hidden activation the networks were trained with
     *     ({@link #withHiddenActivation})
     */
    public NetworkRunner(NetworkSpec spec) {
        this.spec = spec;
        this.manager = NDManager.newBaseManager();
        this.block = spec.toBlock(0f);
        block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(new Shape(spec.inputShape())));
        this.store = new ParameterStore(manager, false);
    }

    /** {@code spec} with every hidden layer followed by {@code activation} (zoos mix relu and tanh members). */
    public static NetworkSpec withHiddenActivation(NetworkSpec spec, ActivationKind activation) {
        List<LayerSpec> layers = new ArrayList<>();
        for (int l = 0; l < spec.numLayers(); l++) {
            LayerSpec layer = spec.layer(l);
            layers.add(l + 1 < spec.numLayers() ? layer.withActivation(activation) : layer);
        }
        return new NetworkSpec(layers, spec.inputShape());
    }

    /** The architecture run. */
    public NetworkSpec spec() {
        return spec;
    }

    /**
     * Mean cross-entropy and accuracy of a network on the first {@code limit} images of a dataset.
     *
     * @param weights flat canonical weights of {@link #spec()}
     * @param data labelled images of the shape the network reads
     * @param limit at most this many images, from the first; 0 for all
     */
    public Score score(float[] weights, ImageDataset data, int limit) {
        checkFits(data);
        spec.copyToBlock(weights, block);
        int count = limit <= 0 ? data.size() : Math.min(limit, data.size());
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < count; start += CHUNK) {
            int[] index = range(start, Math.min(count, start + CHUNK));
            try (NDManager batch = manager.newSubManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = data.images(batch, index); // (n, 1, H, W); an MLP's block flattens it
                NDArray y = data.labels(batch, index).toType(DataType.INT64, false); // (n)
                NDArray logits = block.forward(store, new NDList(x), false).singletonOrThrow(); // (n, K)
                NDArray nll = logits.logSoftmax(1).gather(y.expandDims(1), 1).neg(); // (n, 1)
                lossSum += nll.sum().getFloat();
                correct += logits.argMax(1).eq(y).sum().toType(DataType.INT64, false).getLong();
            }
        }
        return new Score(lossSum / count, correct / (double) count, count);
    }

    /**
     * The network's activations at every hidden boundary on some images: element k - 1 is boundary
     * k's, (samples, n_k) row-major, after the activation function. A convolution's samples are its
     * output positions: (images · H' · W', channels).
     *
     * @param weights flat canonical weights of {@link #spec()}
     * @param data images of the shape the network reads
     * @param indices which images
     */
    public List<float[]> hiddenActivations(float[] weights, ImageDataset data, int[] indices) {
        checkFits(data);
        spec.copyToBlock(weights, block);
        int hidden = spec.numLayers() - 1;
        List<List<float[]>> parts = new ArrayList<>();
        for (int k = 0; k < hidden; k++) {
            parts.add(new ArrayList<>());
        }
        for (int start = 0; start < indices.length; start += CHUNK) {
            int[] chunk = Arrays.copyOfRange(indices, start, Math.min(indices.length, start + CHUNK));
            try (NDManager batch = manager.newSubManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                List<NDArray> outputs = hiddenOutputs(data.images(batch, chunk));
                for (int k = 0; k < hidden; k++) {
                    parts.get(k).add(asSamples(outputs.get(k)).toFloatArray());
                }
            }
        }
        List<float[]> out = new ArrayList<>();
        for (List<float[]> p : parts) {
            out.add(concat(p));
        }
        return out;
    }

    /** Runs the block child by child and keeps each hidden layer's activated output. */
    private List<NDArray> hiddenOutputs(NDArray x) {
        List<NDArray> outputs = new ArrayList<>();
        int parametrised = 0;
        boolean awaitingActivation = false;
        for (Pair<String, Block> child : block.getChildren()) {
            Block b = child.getValue();
            x = b.forward(store, new NDList(x), false).singletonOrThrow();
            if (awaitingActivation) {
                outputs.add(x); // the lambda right after a hidden layer is its activation
                awaitingActivation = false;
            }
            if (b instanceof Conv2d || b instanceof Linear) {
                parametrised++;
                if (parametrised < spec.numLayers()) {
                    if (spec.layer(parametrised - 1).activation() == ActivationKind.IDENTITY) {
                        outputs.add(x); // no activation block follows
                    } else {
                        awaitingActivation = true;
                    }
                }
            }
        }
        return outputs;
    }

    /** (n, C, H, W) -> (n·H·W, C); (n, C) stays. */
    private static NDArray asSamples(NDArray activation) {
        if (activation.getShape().dimension() == 4) {
            long channels = activation.getShape().get(1);
            return activation.transpose(0, 2, 3, 1).reshape(-1, channels);
        }
        return activation;
    }

    private void checkFits(ImageDataset data) {
        long[] input = spec.inputShape();
        boolean fits = spec.layer(0).kind() == LayerKind.CONV2D
                ? input[0] == 1 && input[1] == data.height() && input[2] == data.width()
                : input[0] == (long) data.height() * data.width();
        if (!fits) {
            throw new IllegalArgumentException("The network reads inputs of shape " + Arrays.toString(input) + " but "
                    + data.name() + " holds 1x" + data.height() + "x" + data.width() + " images.");
        }
        int outputs = spec.layer(spec.numLayers() - 1).outNeurons();
        if (outputs != data.numClasses()) {
            throw new IllegalArgumentException("The network has " + outputs + " outputs but " + data.name() + " has "
                    + data.numClasses() + " classes.");
        }
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    private static float[] concat(List<float[]> parts) {
        int total = parts.stream().mapToInt(p -> p.length).sum();
        float[] out = new float[total];
        int offset = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, offset, p.length);
            offset += p.length;
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }

    /**
     * A network's score on labelled images.
     *
     * @param loss mean cross-entropy
     * @param accuracy fraction classified correctly
     * @param images how many images
     */
    public record Score(double loss, double accuracy, int images) {}
}
