package dev.orbit.zoo.train;

import ai.djl.ndarray.NDManager;
import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.metanet.space.NetworkSpec;
import java.io.IOException;
import java.util.List;
import java.util.function.DoubleConsumer;

/**
 * Trains zoo members one at a time with the plain DJL block of {@link NetworkSpec#toBlock(float)} in
 * an own loop (no DJL Trainer): the same initial weights, data subset and order, dropout masks and
 * optimizer maths as {@link BatchedZooTrainer}. It is the reference the batched trainer is tested
 * against and the baseline its speed is measured against.
 */
public final class SingleNetworkTrainer implements AutoCloseable {

    private final ZooTrainingData data;
    private final GroupTrainer loop;
    private final NDManager manager;

    /**
     * Prepares the data for training.
     *
     * @param architecture the members' network; each member's own activation replaces its hidden activations
     * @param data train and test images
     * @param options budget and evaluation ({@link TrainingOptions#maxGroupSize()} is ignored)
     * @throws IllegalArgumentException when the images do not fit the network
     */
    public SingleNetworkTrainer(NetworkSpec architecture, ImageSplit data, TrainingOptions options) {
        NativeMemory.retainFreedMemory(); // as the batched trainer does, so the two compare fairly
        this.data = new ZooTrainingData(architecture, data, options);
        this.loop = new GroupTrainer(this.data, options);
        this.manager = NDManager.newBaseManager();
    }

    /** Trains one member and emits its checkpoints. */
    public void train(ZooMember member, CheckpointSink sink) throws IOException {
        train(member, sink, share -> {});
    }

    /** Trains members one after another. */
    public void train(List<ZooMember> members, CheckpointSink sink, TrainingProgress progress) throws IOException {
        for (int i = 0; i < members.size(); i++) {
            int done = i;
            train(members.get(i), sink, share -> progress.during(done + share, members.size()));
            progress.update(i + 1, members.size());
        }
    }

    private void train(ZooMember member, CheckpointSink sink, DoubleConsumer stepsTaken) throws IOException {
        loop.train(List.of(member), (spec, initial) -> new BlockNetwork(spec, initial.get(0), manager), manager, sink,
                stepsTaken);
    }

    @Override
    public void close() {
        manager.close();
        data.close();
    }
}
