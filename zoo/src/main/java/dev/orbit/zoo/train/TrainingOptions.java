package dev.orbit.zoo.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * How long members train and on what they are evaluated.
 *
 * <p>Every member takes the same number of optimisation steps: one epoch is
 * {@code max(1, trainPoolSize / batchSize)} steps, i.e. as many examples as the pool holds. A member
 * with train fraction f draws its batches from its own subset of {@code round(f * trainPoolSize)} pool
 * images, reshuffled on every pass, so it passes over that subset about 1/f times per epoch: the
 * fraction varies how much distinct data a member sees, not how long it trains (members of a group
 * then stay in lock step, which is what makes batched training fast).
 *
 * @param epochs epochs to train
 * @param checkpointEpochs epochs at which to evaluate and emit a checkpoint (0 = at initialisation),
 *     each in [0, epochs]
 * @param trainPoolSize the first this-many training images form the pool members' subsets are drawn
 *     from; 0 for the whole training split
 * @param evalTrainLimit train metrics use the first this-many images of each member's own subset (in
 *     its seeded subset order); 0 for the whole subset
 * @param evalTestLimit test metrics use the first this-many images of the test split; 0 for all
 * @param maxGroupSize at most this many members train at once (memory grows linearly with it)
 * @param evalBatchSize images per member per evaluation forward pass; the trainers cap it so that a
 *     pass's first-layer output stays near 24 MiB (about 34 images per member for 64 Small CNN Zoo
 *     CNNs), beyond which passes run about twice as slowly per image
 * @param parallelGroups groups trained at once on separate threads by {@link BatchedZooTrainer#train};
 *     each should then run libtorch single-threaded (system property
 *     {@code ai.djl.pytorch.num_threads=1} before the engine starts): on 2 cores two groups with one
 *     thread each beat one group with two threads, whose OpenMP barriers collapse when the machine is
 *     shared
 */
public record TrainingOptions(
        int epochs,
        List<Integer> checkpointEpochs,
        int trainPoolSize,
        int evalTrainLimit,
        int evalTestLimit,
        int maxGroupSize,
        int evalBatchSize,
        int parallelGroups) {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    /** Checks ranges; sorts and de-duplicates the checkpoint epochs. */
    public TrainingOptions {
        if (epochs < 1) {
            throw new IllegalArgumentException("Train for at least one epoch, got " + epochs);
        }
        List<Integer> sorted = new ArrayList<>(new TreeSet<>(checkpointEpochs));
        if (sorted.isEmpty() || sorted.get(0) < 0 || sorted.get(sorted.size() - 1) > epochs) {
            throw new IllegalArgumentException(
                    "Checkpoint epochs must be a non-empty subset of [0, " + epochs + "], got " + checkpointEpochs);
        }
        checkpointEpochs = List.copyOf(sorted);
        if (trainPoolSize < 0 || evalTrainLimit < 0 || evalTestLimit < 0) {
            throw new IllegalArgumentException("Pool and evaluation sizes must be >= 0 (0 = all)");
        }
        if (maxGroupSize < 1 || evalBatchSize < 1 || parallelGroups < 1) {
            throw new IllegalArgumentException("maxGroupSize, evalBatchSize and parallelGroups must be positive");
        }
    }

    /** One group at a time ({@code parallelGroups = 1}). */
    public TrainingOptions(int epochs, List<Integer> checkpointEpochs, int trainPoolSize, int evalTrainLimit,
            int evalTestLimit, int maxGroupSize, int evalBatchSize) {
        this(epochs, checkpointEpochs, trainPoolSize, evalTrainLimit, evalTestLimit, maxGroupSize, evalBatchSize, 1);
    }

    /** Checkpoints at initialisation and after every epoch, whole splits, groups of 64, one at a time. */
    public static TrainingOptions everyEpoch(int epochs) {
        return new TrainingOptions(epochs, epochsUpTo(epochs), 0, 0, 0, 64, 32, 1);
    }

    /** A copy that trains {@code n} epochs, with checkpoints at initialisation and after every epoch. */
    public TrainingOptions withEveryEpoch(int n) {
        return new TrainingOptions(n, epochsUpTo(n), trainPoolSize, evalTrainLimit, evalTestLimit, maxGroupSize,
                evalBatchSize, parallelGroups);
    }

    private static List<Integer> epochsUpTo(int epochs) {
        List<Integer> checkpoints = new ArrayList<>();
        for (int e = 0; e <= epochs; e++) {
            checkpoints.add(e);
        }
        return checkpoints;
    }

    /** A copy with another pool size. */
    public TrainingOptions withTrainPoolSize(int size) {
        return new TrainingOptions(epochs, checkpointEpochs, size, evalTrainLimit, evalTestLimit, maxGroupSize, evalBatchSize, parallelGroups);
    }

    /** A copy with other evaluation limits. */
    public TrainingOptions withEvaluationLimits(int trainLimit, int testLimit) {
        return new TrainingOptions(epochs, checkpointEpochs, trainPoolSize, trainLimit, testLimit, maxGroupSize, evalBatchSize, parallelGroups);
    }

    /** A copy with another group size. */
    public TrainingOptions withMaxGroupSize(int size) {
        return new TrainingOptions(epochs, checkpointEpochs, trainPoolSize, evalTrainLimit, evalTestLimit, size, evalBatchSize, parallelGroups);
    }

    /** A copy with other checkpoint epochs. */
    public TrainingOptions withCheckpointEpochs(List<Integer> epochsToCheckpoint) {
        return new TrainingOptions(epochs, epochsToCheckpoint, trainPoolSize, evalTrainLimit, evalTestLimit, maxGroupSize, evalBatchSize, parallelGroups);
    }

    /** A copy training this many groups at once. */
    public TrainingOptions withParallelGroups(int groups) {
        return new TrainingOptions(epochs, checkpointEpochs, trainPoolSize, evalTrainLimit, evalTestLimit, maxGroupSize, evalBatchSize, groups);
    }

    /** Steps in one epoch at this batch size and pool size. */
    public static int stepsPerEpoch(int poolSize, int batchSize) {
        return Math.max(1, poolSize / batchSize);
    }

    /** One line for manifests and logs saying what the metrics were computed on. */
    public String describeEvaluation() {
        return "train metrics on " + (evalTrainLimit == 0 ? "each member's whole training subset"
                        : "the first " + evalTrainLimit + " images of each member's training subset")
                + "; test metrics on " + (evalTestLimit == 0 ? "the whole test split"
                        : "the first " + evalTestLimit + " test images");
    }

    /** JSON form for manifests. */
    public String toJson() {
        return GSON.toJson(this);
    }

    /** Parses {@link #toJson()}. */
    public static TrainingOptions fromJson(String json) {
        TrainingOptions options = GSON.fromJson(json, TrainingOptions.class);
        if (options == null) {
            throw new IllegalArgumentException("Empty training options JSON");
        }
        return options;
    }
}
