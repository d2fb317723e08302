package dev.orbit.zoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.orbit.datasets.images.ImageDataset;
import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.eval.NetworkRunner;
import java.util.Arrays;

/**
 * The training pool and test images as engine arrays, made once and shared by every group: images
 * (P, C, H, W) for a CNN, flattened (P, H·W) for an MLP; labels stay on the host.
 */
final class ZooTrainingData implements AutoCloseable {

    final NetworkSpec template;
    final boolean convolutional;
    final int numClasses;
    final NDArray trainImages;
    final int[] trainLabels;
    final NDArray testImages;
    final int[] testLabels;
    private final NDManager manager;

    ZooTrainingData(NetworkSpec template, ImageSplit split, TrainingOptions options) {
        this.template = template;
        this.convolutional = template.layer(0).kind() == LayerKind.CONV2D;
        ImageDataset train = split.train();
        ImageDataset test = split.test();
        long[] input = template.inputShape();
        int pixels = train.height() * train.width();
        boolean fits = convolutional
                ? input[0] == 1 && input[1] == train.height() && input[2] == train.width()
                : input[0] == pixels;
        if (!fits) {
            throw new IllegalArgumentException("The network takes inputs of shape " + Arrays.toString(input)
                    + " but " + train.name() + " holds 1x" + train.height() + "x" + train.width() + " images"
                    + (convolutional ? "" : " (" + pixels + " features once flattened)"));
        }
        int outputs = template.layer(template.numLayers() - 1).outNeurons();
        if (outputs != train.numClasses()) {
            throw new IllegalArgumentException("The network has " + outputs + " outputs but " + train.name()
                    + " has " + train.numClasses() + " classes");
        }
        int pool = options.trainPoolSize() == 0 ? train.size() : options.trainPoolSize();
        if (pool > train.size()) {
            throw new IllegalArgumentException("The training pool of " + pool + " images is larger than "
                    + train.name() + " (" + train.size() + " images)");
        }
        int tests = options.evalTestLimit() == 0 ? test.size() : Math.min(options.evalTestLimit(), test.size());
        this.numClasses = train.numClasses();
        this.manager = NDManager.newBaseManager();
        this.trainLabels = Arrays.copyOf(train.labels(), pool);
        this.testLabels = Arrays.copyOf(test.labels(), tests);
        this.trainImages = manager.create(Arrays.copyOf(train.pixels(), pool * pixels), exampleShape(pool));
        this.testImages = manager.create(Arrays.copyOf(test.pixels(), tests * pixels), exampleShape(tests));
    }

    private Shape exampleShape(int count) {
        return new Shape(count).addAll(new Shape(template.inputShape())); // (count, C, H, W) or (count, F)
    }

    int poolSize() {
        return trainLabels.length;
    }

    /** The template with every hidden layer followed by {@code activation}. */
    NetworkSpec specFor(ActivationKind activation) {
        return NetworkRunner.withHiddenActivation(template, activation);
    }

    /**
     * Images for M members in the group layout: for a CNN {@code index[n * M + m]} is member m's n-th
     * image and the result is (N, M·C, H, W); for an MLP {@code index[m * N + n]} and (M, N, F).
     *
     * <p>CNN inputs stay in the plain (N, M·C, H, W) layout, never channels-last: libtorch 2.7.1's
     * oneDNN computes a grouped convolution with one input channel per group wrongly from
     * channels-last input with its AVX-512 kernels (docs/RESULTS.md, "Batched CNN on AVX-512").
     */
    NDArray gather(NDArray source, long[] index, int members, int perMember, NDManager owner) {
        NDArray idx = owner.create(index); // (M·N)
        NDArray rows = source.get(new NDIndex("{}", idx)); // (M·N, C, H, W) or (M·N, F)
        long[] example = template.inputShape();
        if (!convolutional) {
            return rows.reshape(members, perMember, example[0]); // (M, N, F)
        }
        return rows.reshape(perMember, members * example[0], example[1], example[2]); // (N, M·C, H, W), a view
    }

    /** Images every member sees: (n, C, H, W) or (n, F). */
    NDArray gatherShared(NDArray source, long[] index, NDManager owner) {
        return source.get(new NDIndex("{}", owner.create(index)));
    }

    @Override
    public void close() {
        manager.close();
    }
}
