package dev.orbit.zoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.CheckpointRecord;
import dev.orbit.zoo.Hyperparameters;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DjlTrainerBaselineTest {

    private static ZooMember member(int id, String optimizer, double learningRate) {
        return new ZooMember(id, new Hyperparameters(ActivationKind.RELU, "he_normal", 0.1, 0.0, 0.1, 1e-6,
                learningRate, optimizer, 0.8, 16, 1234L + id));
    }

    @Test
    void theDjlLoopStartsFromTheMembersOwnNetworkAndLearns() throws IOException {
        ImageSplit data = SyntheticImages.split(8, 256, 128, 10);
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, 64, 32, 32, 10);
        TrainingOptions options = new TrainingOptions(4, List.of(0, 4), 256, 64, 0, 4, 32);
        for (ZooMember member : List.of(member(0, "adam", 3e-3), member(1, "sgd", 0.1), member(2, "rmsprop", 1e-3))) {
            List<CheckpointRecord> alone = new ArrayList<>();
            try (SingleNetworkTrainer trainer = new SingleNetworkTrainer(spec, data, options)) {
                trainer.train(member, alone::add);
            }
            double[] djl;
            try (DjlTrainerBaseline baseline = new DjlTrainerBaseline(spec, data, options)) {
                djl = baseline.train(member);
            }
            assertEquals(2, djl.length);
            // Same initial weights and test images: the same accuracy before training.
            assertEquals(alone.get(0).metrics().testAccuracy(), djl[0], 1e-9, member.hyperparameters().optimizer());
            // Training helps on an easy task: well above its start and above chance.
            assertTrue(djl[1] > djl[0] + 0.2 && djl[1] > 0.5,
                    member.hyperparameters().optimizer() + ": " + djl[0] + " -> " + djl[1]);
        }
    }
}
