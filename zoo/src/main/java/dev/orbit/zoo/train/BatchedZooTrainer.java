package dev.orbit.zoo.train;

import ai.djl.ndarray.NDManager;
import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.Hyperparameters;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Trains a zoo many networks at a time along a model axis (the way Small CNN Zoo-style datasets are
 * made fast): members sharing activation, optimizer and batch size form groups of at most
 * {@link TrainingOptions#maxGroupSize()}, and each group runs as one stacked network (grouped
 * convolutions with groups = M, batched matrix products), each member on its own mini-batches with its
 * own learning rate, L2, dropout rate, initialisation and train fraction.
 *
 * <p>Gives the same weights as {@link SingleNetworkTrainer} up to float rounding (the tests check
 * 1e-4 after several steps). Deterministic: the same members give the same records.
 *
 * <pre>{@code
 * try (BatchedZooTrainer trainer = new BatchedZooTrainer(NetworkSpec.smallCnnZoo(RELU), split, options)) {
 *     trainer.train(members, writer::write, (done, total) -> bar.update(done, total));
 * }
 * }</pre>
 */
public final class BatchedZooTrainer implements AutoCloseable {

    private final ZooTrainingData data;
    private final TrainingOptions options;
    private final GroupTrainer loop;
    private final NDManager manager;

    /**
     * Prepares the data for training.
     *
     * @param architecture the members' network; each member's own activation replaces its hidden activations
     * @param data train and test images; the pool is the first {@link TrainingOptions#trainPoolSize()} training images
     * @param options budget and evaluation
     * @throws IllegalArgumentException when the images do not fit the network
     */
    public BatchedZooTrainer(NetworkSpec architecture, ImageSplit data, TrainingOptions options) {
        NativeMemory.retainFreedMemory();
        this.options = options;
        this.data = new ZooTrainingData(architecture, data, options);
        this.loop = new GroupTrainer(this.data, options);
        this.manager = NDManager.newBaseManager();
    }

    /**
     * Trains members group by group and emits every checkpoint.
     *
     * @param members the networks, in any order
     * @param sink receives each checkpoint as soon as its group reaches it
     * @param progress told after each step ({@link TrainingProgress#during}) and after each group
     * @throws IOException when the sink fails
     *     <p>With {@link TrainingOptions#parallelGroups()} above 1, groups run on that many threads;
     *     the sink and progress are then called under one lock, and records of different groups
     *     interleave.
     */
    public void train(List<ZooMember> members, CheckpointSink sink, TrainingProgress progress) throws IOException {
        List<List<ZooMember>> groups = groups(members, options.maxGroupSize());
        Tally tally = new Tally(progress, members.size(), groups.size());
        if (options.parallelGroups() == 1 || groups.size() == 1) {
            for (int g = 0; g < groups.size(); g++) {
                trainCounted(groups.get(g), sink, tally, g);
            }
            return;
        }
        CheckpointSink shared = record -> {
            synchronized (tally) {
                sink.accept(record);
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.parallelGroups(), groups.size()), runnable -> {
            Thread thread = new Thread(runnable, "orbit-zoo-group");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int g = 0; g < groups.size(); g++) {
                int index = g;
                futures.add(pool.submit(() -> {
                    trainCounted(groups.get(index), shared, tally, index);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while training the zoo", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IllegalStateException(cause);
        } finally {
            pool.shutdownNow();
        }
    }

    private void trainCounted(List<ZooMember> group, CheckpointSink sink, Tally tally, int index) throws IOException {
        if (!group.isEmpty()) {
            loop.train(group, this::stack, manager, sink, share -> tally.stepped(index, group.size(), share));
        }
        tally.finished(index, group.size());
    }

    private MemberStack stack(NetworkSpec spec, List<float[]> initial) {
        return new StackedNetworks(spec, initial, manager);
    }

    /** Counts finished members and the step share of running groups for {@link TrainingProgress}; also the sink's lock. */
    private static final class Tally {
        private final TrainingProgress progress;
        private final int total;
        private final double[] running; // per group: its size times the share of its steps taken; 0 once finished
        private int finished;

        Tally(TrainingProgress progress, int total, int groups) {
            this.progress = progress;
            this.total = total;
            this.running = new double[groups];
        }

        synchronized void stepped(int group, int size, double share) {
            running[group] = size * share;
            double done = finished;
            for (double r : running) {
                done += r;
            }
            progress.during(done, total);
        }

        synchronized void finished(int group, int size) {
            running[group] = 0;
            finished += size;
            progress.update(finished, total);
        }
    }

    /**
     * Trains one group at once.
     *
     * @param group members sharing activation, optimizer and batch size
     * @param sink receives the group's checkpoints, epoch by epoch, members in group order
     * @throws IOException when the sink fails
     * @throws IllegalArgumentException when the members do not share those hyperparameters
     */
    public void trainGroup(List<ZooMember> group, CheckpointSink sink) throws IOException {
        if (!group.isEmpty()) {
            loop.train(group, this::stack, manager, sink, share -> {});
        }
    }

    /**
     * Splits members into the groups {@link #train} runs: by (activation, optimizer, batch size) in
     * order of first appearance, each split into the fewest near-equal parts of at most
     * {@code maxGroupSize}, members keeping their relative order.
     */
    public static List<List<ZooMember>> groups(List<ZooMember> members, int maxGroupSize) {
        Map<String, List<ZooMember>> byKey = new LinkedHashMap<>();
        for (ZooMember member : members) {
            Hyperparameters hp = member.hyperparameters();
            String key = hp.activation() + "/" + hp.optimizer().toLowerCase(Locale.ROOT) + "/" + hp.batchSize();
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(member);
        }
        List<List<ZooMember>> groups = new ArrayList<>();
        for (List<ZooMember> same : byKey.values()) {
            int parts = (same.size() + maxGroupSize - 1) / maxGroupSize;
            for (int p = 0; p < parts; p++) {
                groups.add(List.copyOf(same.subList(p * same.size() / parts, (p + 1) * same.size() / parts)));
            }
        }
        return groups;
    }

    @Override
    public void close() {
        manager.close();
        data.close();
    }
}
