package dev.orbit.zoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.CheckpointRecord;
import dev.orbit.zoo.Hyperparameters;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchedZooTrainerTest {

    private static int previousThreads;

    /**
     * One libtorch thread while these tests run: their arrays are tiny, and on a small shared machine
     * OpenMP barriers between two threads cost more than the work (restored afterwards).
     */
    @BeforeAll
    static void oneTorchThread() {
        ai.djl.engine.Engine.getInstance(); // loads libtorch
        previousThreads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }

    @AfterAll
    static void restoreTorchThreads() {
        JniUtils.setNumThreads(previousThreads);
    }

    /**
     * Weights after a few steps agree to this (float rounding of grouped vs plain kernels), on the
     * machine's own oneDNN kernels: on AVX-512 they failed it by most of a step while the group's
     * inputs were channels-last (docs/RESULTS.md, "Batched CNN on AVX-512").
     */
    private static final float SAME_NETWORK_TOLERANCE = 1e-4f;

    private static final String[] INITS = {"normal", "truncated_normal", "glorot_normal", "he_normal", "orthogonal"};

    /** 64 members of one group with mixed inits, dropout (0 for a quarter of them), L2, lr and fraction. */
    private static List<ZooMember> group(ActivationKind activation, String optimizer, double lrScale, long seed) {
        return group(64, activation, optimizer, lrScale, seed);
    }

    private static List<ZooMember> group(int size, ActivationKind activation, String optimizer, double lrScale, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ZooMember> members = new ArrayList<>();
        for (int id = 0; id < size; id++) {
            double dropout = id % 4 == 0 ? 0.0 : 0.5 * random.nextDouble();
            members.add(new ZooMember(id, new Hyperparameters(activation, INITS[id % INITS.length],
                    0.05 + 0.2 * random.nextDouble(), 0.1 * random.nextDouble() - 0.05, dropout,
                    Math.pow(10, -8 + 6 * random.nextDouble()), lrScale * Math.pow(10, -3 + random.nextDouble()),
                    optimizer, 0.1 + 0.9 * random.nextDouble(), 16, random.nextLong())));
        }
        return members;
    }

    private static float maxAbsDifference(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** The same hyperparameters with another learning rate and seed. */
    private static Hyperparameters with(Hyperparameters hp, double learningRate, long seed) {
        return new Hyperparameters(hp.activation(), hp.weightInit(), hp.initStd(), hp.biasInit(), hp.dropout(),
                hp.l2(), learningRate, hp.optimizer(), hp.trainFraction(), hp.batchSize(), seed);
    }

    private static List<CheckpointRecord> trainBatched(NetworkSpec spec, ImageSplit data, TrainingOptions options,
            List<ZooMember> members) throws IOException {
        List<CheckpointRecord> records = new ArrayList<>();
        try (BatchedZooTrainer trainer = new BatchedZooTrainer(spec, data, options)) {
            trainer.trainGroup(members, records::add);
        }
        return records;
    }

    private static CheckpointRecord last(List<CheckpointRecord> records, int networkId) {
        CheckpointRecord found = null;
        for (CheckpointRecord r : records) {
            if (r.networkId() == networkId && (found == null || r.epoch() >= found.epoch())) {
                found = r;
            }
        }
        return found;
    }

    private static void assertSameAsAlone(NetworkSpec spec, ImageSplit data, TrainingOptions options,
            List<ZooMember> members, int... ids) throws IOException {
        List<CheckpointRecord> batched = trainBatched(spec, data, options, members);
        NetworkSpec memberSpec;
        try (ZooTrainingData prepared = new ZooTrainingData(spec, data, options)) {
            memberSpec = prepared.specFor(members.get(0).hyperparameters().activation());
        }
        try (SingleNetworkTrainer single = new SingleNetworkTrainer(spec, data, options)) {
            for (int id : ids) {
                List<CheckpointRecord> alone = new ArrayList<>();
                single.train(members.get(id), alone::add);
                CheckpointRecord a = last(alone, id);
                CheckpointRecord b = last(batched, id);
                assertEquals(a.epoch(), b.epoch());
                float maxDiff = maxAbsDifference(a.weights(), b.weights());
                float maxChange = maxAbsDifference(a.weights(),
                        InitialWeights.sample(memberSpec, members.get(id).hyperparameters()));
                System.out.printf("member %d (%s, dropout %.2f): max |alone - batched| = %.3g, max change %.3g%n",
                        id, members.get(id).hyperparameters().optimizer(), members.get(id).hyperparameters().dropout(),
                        maxDiff, maxChange);
                assertTrue(maxChange > 1e-3f, "training must move the weights");
                assertTrue(maxDiff <= SAME_NETWORK_TOLERANCE, "member " + id + " differs by " + maxDiff);
                assertEquals(a.metrics().testAccuracy(), b.metrics().testAccuracy(), 0.02);
                assertFalse(b.metrics().diverged());
            }
        }
    }

    @Test
    void smallCnnZooMemberTrainedInAGroupOf64EqualsTheSameMemberTrainedAlone() throws IOException {
        ImageSplit data = SyntheticImages.split(28, 96, 64, 7);
        // pool 96 / batch 16 = 6 steps per epoch; one epoch
        TrainingOptions options = new TrainingOptions(1, List.of(0, 1), 96, 32, 64, 64, 32, 1);
        assertSameAsAlone(NetworkSpec.smallCnnZoo(ActivationKind.RELU), data, options,
                group(ActivationKind.RELU, "adam", 1, 11), 0, 1, 6, 63);
    }

    /**
     * Negative control for the comparison above: member 0 of the same group, trained alone with its
     * neighbour's seed (another data order and initial weights' stream) as a wrongly routed group would
     * train it, is far outside the tolerance.
     */
    @Test
    void aMemberTrainedWithAnotherMembersSeedIsNotTheSameNetwork() throws IOException {
        ImageSplit data = SyntheticImages.split(28, 96, 64, 7);
        TrainingOptions options = new TrainingOptions(1, List.of(0, 1), 96, 32, 64, 64, 32, 1);
        NetworkSpec spec = NetworkSpec.smallCnnZoo(ActivationKind.RELU);
        List<ZooMember> members = group(8, ActivationKind.RELU, "adam", 1, 11);
        CheckpointRecord batched = last(trainBatched(spec, data, options, members), 0);
        Hyperparameters hp = members.get(0).hyperparameters();
        ZooMember misrouted = new ZooMember(0, with(hp, hp.learningRate(), members.get(1).hyperparameters().seed()));
        List<CheckpointRecord> alone = new ArrayList<>();
        try (SingleNetworkTrainer single = new SingleNetworkTrainer(spec, data, options)) {
            single.train(misrouted, alone::add);
        }
        float maxDiff = maxAbsDifference(last(alone, 0).weights(), batched.weights());
        assertTrue(maxDiff > 100 * SAME_NETWORK_TOLERANCE, "a misrouted member must not pass: " + maxDiff);
    }

    @Test
    void mlpMemberTrainedInAGroupOf64EqualsTheSameMemberTrainedAlone() throws IOException {
        ImageSplit data = SyntheticImages.split(8, 256, 64, 8);
        // 64 -> 32 -> 32 -> 10 tanh MLP, RMSprop, pool 256 / batch 16 = 16 steps per epoch, two epochs
        TrainingOptions options = new TrainingOptions(2, List.of(0, 2), 256, 64, 64, 64, 32, 1);
        assertSameAsAlone(NetworkSpec.mlp(ActivationKind.TANH, 64, 32, 32, 10), data, options,
                group(ActivationKind.TANH, "rmsprop", 1, 12), 0, 5, 33);
    }

    @Test
    void aDivergingMemberIsFlaggedAndLeavesTheOthersBitwiseUnchanged() throws IOException {
        ImageSplit data = SyntheticImages.split(28, 96, 32, 9);
        TrainingOptions options = new TrainingOptions(1, List.of(0, 1), 96, 16, 32, 64, 32, 1);
        NetworkSpec spec = NetworkSpec.smallCnnZoo(ActivationKind.RELU);
        List<ZooMember> calm = group(8, ActivationKind.RELU, "sgd", 10, 13);
        List<ZooMember> wild = new ArrayList<>(calm);
        Hyperparameters hp = calm.get(3).hyperparameters();
        wild.set(3, new ZooMember(3, with(hp, 1e6, hp.seed())));
        List<CheckpointRecord> withCalm = trainBatched(spec, data, options, calm);
        List<CheckpointRecord> withWild = trainBatched(spec, data, options, wild);
        assertFalse(last(withCalm, 3).metrics().diverged());
        assertTrue(last(withWild, 3).metrics().diverged(), "a learning rate of 1e6 must diverge");
        assertEquals(withCalm.size(), withWild.size(), "a diverged member is reported, not dropped");
        for (int i = 0; i < withCalm.size(); i++) {
            CheckpointRecord a = withCalm.get(i);
            CheckpointRecord b = withWild.get(i);
            if (a.networkId() == 3) {
                continue;
            }
            assertEquals(a.networkId(), b.networkId());
            assertTrue(java.util.Arrays.equals(a.weights(), b.weights()), "member " + a.networkId() + " changed");
            assertEquals(a.metrics(), b.metrics());
        }
    }

    /** Small MLP runs: 8x8 images, 128 to train on, one epoch of 8 steps, at most 4 networks per group. */
    private static final ImageSplit SMALL_DATA = SyntheticImages.split(8, 128, 32, 10);
    private static final NetworkSpec SMALL_MLP = NetworkSpec.mlp(ActivationKind.RELU, 64, 32, 32, 10);
    private static final TrainingOptions SMALL_RUN = new TrainingOptions(1, List.of(1), 128, 16, 32, 4, 32, 1);

    /** Members 0-7 with Adam, then 8-15 with SGD at {@code sgdLrScale} times the learning rate. */
    private static List<ZooMember> adamThenSgd(double sgdLrScale, long seed) {
        List<ZooMember> members = new ArrayList<>(group(8, ActivationKind.RELU, "adam", 1, seed));
        for (ZooMember m : group(8, ActivationKind.RELU, "sgd", sgdLrScale, seed + 1)) {
            members.add(new ZooMember(m.networkId() + 8, m.hyperparameters()));
        }
        return members;
    }

    @Test
    void parallelGroupsGiveTheSameRecordsAsOneGroupAtATime() throws IOException {
        List<ZooMember> members = adamThenSgd(10, 14);
        List<CheckpointRecord> one = new ArrayList<>();
        List<CheckpointRecord> two = new ArrayList<>();
        try (BatchedZooTrainer trainer = new BatchedZooTrainer(SMALL_MLP, SMALL_DATA, SMALL_RUN)) {
            trainer.train(members, one::add, TrainingProgress.NONE);
        }
        try (BatchedZooTrainer trainer = new BatchedZooTrainer(SMALL_MLP, SMALL_DATA, SMALL_RUN.withParallelGroups(2))) {
            trainer.train(members, two::add, TrainingProgress.NONE);
        }
        assertEquals(16, one.size());
        assertEquals(16, two.size());
        for (CheckpointRecord a : one) {
            CheckpointRecord b = last(two, a.networkId());
            assertTrue(java.util.Arrays.equals(a.weights(), b.weights()), "member " + a.networkId());
            assertEquals(a.metrics(), b.metrics());
        }
    }

    @Test
    void progressFollowsTheStepsOfRunningGroupsAndNeverGoesBack() throws IOException {
        List<ZooMember> members = adamThenSgd(1, 18);
        int stepsPerGroup = TrainingOptions.stepsPerEpoch(128, 16);
        for (TrainingOptions options : List.of(SMALL_RUN, SMALL_RUN.withParallelGroups(2))) {
            List<Double> during = new ArrayList<>();
            List<Integer> updates = new ArrayList<>();
            int[] duringBeforeFirstUpdate = {0};
            TrainingProgress progress = new TrainingProgress() {
                @Override
                public void update(int done, int total) {
                    assertEquals(16, total);
                    updates.add(done);
                }

                @Override
                public void during(double done, int total) {
                    assertEquals(16, total);
                    during.add(done);
                    if (updates.isEmpty()) {
                        duringBeforeFirstUpdate[0]++;
                    }
                }
            };
            try (BatchedZooTrainer trainer = new BatchedZooTrainer(SMALL_MLP, SMALL_DATA, options)) {
                trainer.train(members, r -> {}, progress);
            }
            assertEquals(List.of(4, 8, 12, 16), updates, "one update per finished group of 4");
            assertEquals(4 * stepsPerGroup, during.size(), "one report per step of each group");
            assertTrue(duringBeforeFirstUpdate[0] >= stepsPerGroup, "the first group's steps are reported before it ends");
            assertTrue(during.get(0) > 0 && during.get(0) < 4, "a partial group counts in part: " + during.get(0));
            for (int i = 1; i < during.size(); i++) {
                assertTrue(during.get(i) >= during.get(i - 1) - 1e-9, "went back at report " + i + ": " + during);
            }
            assertEquals(16, during.get(during.size() - 1), 1e-9);
        }
    }

    @Test
    void groupsSplitByActivationOptimizerAndBatchSizeIntoNearEqualParts() {
        List<ZooMember> members = new ArrayList<>(group(10, ActivationKind.RELU, "adam", 1, 16));
        for (ZooMember m : group(3, ActivationKind.TANH, "adam", 1, 17)) {
            members.add(new ZooMember(m.networkId() + 10, m.hyperparameters()));
        }
        List<List<ZooMember>> groups = BatchedZooTrainer.groups(members, 4);
        assertEquals(List.of(3, 3, 4, 3), groups.stream().map(List::size).collect(java.util.stream.Collectors.toList()));
        assertEquals(ActivationKind.TANH, groups.get(3).get(0).hyperparameters().activation());
    }
}
