package dev.orbit.training.cli;

import static dev.orbit.training.cli.TrainPredictAccuracyCommandTest.assertOneLine;
import static dev.orbit.training.cli.TrainPredictAccuracyCommandTest.orbit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.training.cli.TrainPredictAccuracyCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code orbit quickstart} at a tiny size: zoo, metanets, table, report; a rerun resumes. */
class QuickstartCommandTest {

    @Test
    void runsTheWholeLoopAndResumes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("qs");
        String[] args = {"quickstart", "--out", out.toString(), "--networks", "24", "--epochs", "2", "--models",
                "statnn,flat-mlp"};
        Run r = orbit(args);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("[1/3] Zoo: 24 MLPs"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  statnn +-?\\d\\.\\d{3} .*"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  flat-mlp +-?\\d\\.\\d{3} .*"), r.out());
        assertTrue(Files.isRegularFile(out.resolve("index.html")));
        assertTrue(Files.isRegularFile(out.resolve("runs/statnn/metrics.json")));
        assertTrue(Files.readString(out.resolve("index.html")).contains("runs/flat-mlp/report/test-scatter.png"));
        String page = Files.readString(out.resolve("index.html"));
        for (String model : new String[] {"statnn", "flat-mlp"}) {
            assertTrue(page.contains("<figcaption>" + model + ": predicted vs true test accuracy of the "), page);
            assertTrue(page.contains("<figcaption>" + model + ": training loss per epoch</figcaption>"), page);
        }

        Run again = orbit(args);
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.err().contains("Resuming") || again.out().contains("resuming after epoch 2"), again.out());
        assertTrue(again.out().contains("resuming after epoch 2"), again.out());
    }

    @Test
    void anUnknownModelIsAOneLineError(@TempDir Path dir) {
        Run r = orbit("quickstart", "--out", dir.toString(), "--models", "nfn-hnp,gpt");
        assertEquals(2, r.exitCode());
        assertOneLine(r.err(), "Unknown model 'gpt'");
    }
}
