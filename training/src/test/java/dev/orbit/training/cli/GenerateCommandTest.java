package dev.orbit.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.training.cli.ZooCommandTest.Run;
import dev.orbit.zoo.format.ZooMetricsRow;
import dev.orbit.zoo.format.ZooReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code orbit train generate}, {@code orbit generate} and {@code orbit zoo evaluate} end to end on a
 * tiny digits zoo: the generated networks form an Orbit zoo that {@code zoo verify | info | export}
 * and {@code predict} read, {@code zoo evaluate} measures them, and a rerun resumes.
 */
class GenerateCommandTest {

    private static void assertOk(Run run) {
        assertEquals(0, run.code(), run.out() + run.err());
    }

    private static void assertUserError(Run run, String fragment) {
        assertEquals(2, run.code(), run.out() + run.err());
        String err = run.err().strip();
        assertFalse(err.contains("\n") || err.contains("\tat "), "one line, no trace: " + err);
        assertTrue(err.contains(fragment), "'" + fragment + "' in: " + err);
    }

    @Test
    void trainGenerateEvaluateAndReadTheGeneratedZoo(@TempDir Path tmp) throws Exception {
        Path zoo = tmp.resolve("zoo");
        assertOk(Run.orbit(Run.tinyZoo(zoo.toString(), 8)));
        Path run = tmp.resolve("run");
        String[] train = {"train", "generate", "--zoo", zoo.toString(), "--model", "nfn-hnp-diffusion", "--epochs", "3",
            "--hidden-channels", "4,4", "--batch-size", "4", "--steps", "5", "--out", run.toString()};
        Run trained = Run.orbit(train);
        assertOk(trained);
        assertTrue(trained.out().contains("nfn-hnp-diffusion: 3 epochs"), trained.out());
        assertTrue(Files.isRegularFile(run.resolve("model/denoiser.params")));
        Run again = Run.orbit(train);
        assertOk(again);

        Path generated = tmp.resolve("generated");
        String[] generate = {"generate", "--run", run.toString(), "--count", "6", "--target-accuracy", "0.3,0.6",
            "--seed", "5", "--out", generated.toString()};
        Run sampled = Run.orbit(generate);
        assertOk(sampled);
        assertTrue(sampled.out().contains("orbit zoo evaluate " + generated + " --dataset digits"), sampled.out());
        assertOk(Run.orbit(generate)); // complete already: nothing to do, same zoo

        assertOk(Run.orbit("zoo", "verify", generated.toString()));
        Run info = Run.orbit("zoo", "info", generated.toString());
        assertOk(info);
        assertTrue(info.out().contains("recipe generated") && info.out().contains("6 of 6 complete"), info.out());
        try (ZooReader reader = ZooReader.open(generated)) {
            assertTrue(reader.description().options().contains("\"target_accuracy\":[0.3,0.6,0.3,0.6,0.3,0.6]"),
                    reader.description().options());
            assertTrue(reader.description().hyperparameterSpace().contains("nfn-hnp-diffusion"));
            assertTrue(reader.metrics().stream().allMatch(r -> Double.isNaN(r.metrics().testAccuracy())),
                    "no metrics until measured");
        }

        Path chart = tmp.resolve("accuracy.png");
        Run evaluated = Run.orbit("zoo", "evaluate", generated.toString(), "--dataset", "digits", "--chart", chart.toString(),
                "--compare", zoo.toString());
        assertOk(evaluated);
        assertTrue(evaluated.out().contains("measured 6 checkpoints"), evaluated.out());
        assertTrue(evaluated.out().contains("requested vs measured accuracy: Kendall tau"), evaluated.out());
        assertTrue(Files.size(chart) > 1000, "the distribution chart");
        try (ZooReader reader = ZooReader.open(generated)) {
            List<ZooMetricsRow> rows = reader.metrics();
            for (ZooMetricsRow r : rows) {
                double a = r.metrics().testAccuracy();
                assertTrue(a >= 0 && a <= 1, "measured accuracy " + a);
            }
            assertTrue(reader.verify().ok());
        }
        assertOk(Run.orbit("zoo", "export", "--format", "cnn-zoo", generated.toString(), tmp.resolve("export").toString()));

        Path predictor = tmp.resolve("predictor");
        assertOk(Run.orbit("train", "predict-accuracy", "--zoo", zoo.toString(), "--model", "statnn", "--epochs", "1",
                "--out", predictor.toString()));
        Run predicted = Run.orbit("predict", "--run", predictor.toString(), "--zoo", generated.toString());
        assertOk(predicted);

        assertUserError(Run.orbit("zoo", "evaluate", tmp.resolve("nothing").toString(), "--dataset", "digits"),
                "is not a folder");
        assertUserError(Run.orbit("generate", "--run", zoo.toString(), "--count", "2", "--out",
                tmp.resolve("g2").toString()), "holds no generative model");
        assertUserError(Run.orbit("generate", "--run", run.toString(), "--count", "2", "--target-accuracy", "1.5",
                "--out", tmp.resolve("g3").toString()), "[0, 1]");
    }
}
