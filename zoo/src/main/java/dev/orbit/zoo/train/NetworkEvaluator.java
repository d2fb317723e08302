package dev.orbit.zoo.train;

import ai.djl.ndarray.NDManager;
import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.List;

/**
 * Runs networks on a dataset's test split and measures each one's mean test loss and accuracy, many
 * at once as one stacked network. It runs the pass the zoo trainers' checkpoints are scored with
 * ({@link GroupTrainer#evaluateShared}), so it reproduces the test accuracy a zoo recorded; it is how
 * networks that were never trained here (generated ones, imported ones) get measured.
 *
 * <pre>{@code
 * try (NetworkEvaluator evaluator = new NetworkEvaluator(spec, ImageDatasets.load("digits"), 0)) {
 *     double[][] lossAndAccuracy = evaluator.evaluate(ActivationKind.RELU, flatWeights);
 * }
 * }</pre>
 */
public final class NetworkEvaluator implements AutoCloseable {

    /** Networks per stacked pass: memory grows linearly with it, speed barely past it. */
    static final int GROUP_SIZE = 64;
    /** Images per network and pass before {@link GroupTrainer#evalChunk}'s cache cap. */
    static final int EVAL_BATCH_SIZE = 64;

    private final ZooTrainingData data;
    private final NDManager manager;

    /**
     * Loads the test images.
     *
     * @param architecture the networks' architecture; {@link #evaluate} replaces its hidden activations
     * @param data the dataset; only its test split is read
     * @param testLimit the first this-many test images; 0 for the whole test split
     * @throws IllegalArgumentException when the architecture does not fit the dataset's images or classes
     */
    public NetworkEvaluator(NetworkSpec architecture, ImageSplit data, int testLimit) {
        NativeMemory.retainFreedMemory();
        // A pool of one training image: the trainer's data holder, without a copy of the training split.
        TrainingOptions options = new TrainingOptions(1, List.of(0), 1, 0, testLimit, GROUP_SIZE, EVAL_BATCH_SIZE);
        this.data = new ZooTrainingData(architecture, data, options);
        this.manager = NDManager.newBaseManager();
    }

    /** @return test images each network is run on */
    public int testImages() {
        return data.testLabels.length;
    }

    /**
     * Measures networks of one hidden activation.
     *
     * @param activation the networks' hidden activation
     * @param weights each network's flat parameters in the spec's canonical order
     * @return {loss[n], accuracy[n]}: each network's mean test cross-entropy and accuracy
     * @throws IllegalArgumentException when a weight vector has the wrong length
     */
    public double[][] evaluate(ActivationKind activation, List<float[]> weights) {
        NetworkSpec spec = data.specFor(activation);
        long p = spec.parameterCount();
        for (int i = 0; i < weights.size(); i++) {
            if (weights.get(i).length != p) {
                throw new IllegalArgumentException("Network " + i + " has " + weights.get(i).length
                        + " parameters but " + spec.describe() + " has " + p);
            }
        }
        ThreadAutograd.stopRecordingOnThisThread();
        double[][] out = new double[2][weights.size()];
        for (int from = 0; from < weights.size(); from += GROUP_SIZE) {
            List<float[]> group = weights.subList(from, Math.min(weights.size(), from + GROUP_SIZE));
            try (NDManager pass = manager.newSubManager();
                    StackedNetworks stack = new StackedNetworks(spec, group, pass)) {
                int members = group.size();
                double[][] measured = GroupTrainer.evaluateShared(data, stack, members, data.testImages, data.testLabels,
                        GroupTrainer.evalChunk(spec, members, EVAL_BATCH_SIZE), pass);
                System.arraycopy(measured[0], 0, out[0], from, members);
                System.arraycopy(measured[1], 0, out[1], from, members);
            }
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
        data.close();
    }
}
