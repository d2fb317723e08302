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
import org.junit.jupiter.api.Test;

class BatchedZooTrainerTest {

    /** Weights after a few steps agree to this (float rounding of grouped vs plain kernels). */
    private static final float SAME_NETWORK_TOLERANCE = 1e-4f;

    private static final String[] INITS = {"normal", "truncated_normal", "glorot_normal", "he_normal", "orthogonal"};

    /** 64 members of one group with mixed inits, dropout (0 for a quarter of them), L2, lr and fraction. */
    private static List<ZooMember> group(ActivationKind activation, String optimizer, double lrScale, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ZooMember> members = new ArrayList<>();
        for (int id = 0; id < 64; id++) {
            double dropout = id % 4 == 0 ? 0.0 : 0.5 * random.nextDouble();
            members.add(new ZooMember(id, new Hyperparameters(activation, INITS[id % INITS.length],
                    0.05 + 0.2 * random.nextDouble(), 0.1 * random.nextDouble() - 0.05, dropout,
                    Math.pow(10, -8 + 6 * random.nextDouble()), lrScale * Math.pow(10, -3 + random.nextDouble()),
                    optimizer, 0.1 + 0.9 * random.nextDouble(), 16, random.nextLong())));
        }
        return members;
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
        try (SingleNetworkTrainer single = new SingleNetworkTrainer(spec, data, options)) {
            for (int id : ids) {
                List<CheckpointRecord> alone = new ArrayList<>();
                single.train(members.get(id), alone::add);
                CheckpointRecord a = last(alone, id);
                CheckpointRecord b = last(batched, id);
                assertEquals(a.epoch(), b.epoch());
                float maxDiff = 0;
                float maxChange = 0;
                float[] start = InitialWeights.sample(new ZooTrainingData(spec, data, options).specFor(
                        members.get(id).hyperparameters().activation()), members.get(id).hyperparameters());
                for (int i = 0; i < a.weights().length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(a.weights()[i] - b.weights()[i]));
                    maxChange = Math.max(maxChange, Math.abs(a.weights()[i] - start[i]));
                }
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
        TrainingOptions options = new TrainingOptions(1, List.of(0, 1), 96, 32, 64, 64, 64);
        assertSameAsAlone(NetworkSpec.smallCnnZoo(ActivationKind.RELU), data, options,
                group(ActivationKind.RELU, "adam", 1, 11), 0, 1, 6, 63);
    }
}
