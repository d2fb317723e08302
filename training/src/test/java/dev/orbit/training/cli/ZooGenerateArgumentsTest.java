package dev.orbit.training.cli;

import static dev.orbit.training.cli.TrainPredictAccuracyCommandTest.assertOneLine;
import static dev.orbit.training.cli.TrainPredictAccuracyCommandTest.orbit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.orbit.training.cli.TrainPredictAccuracyCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code zoo generate} refuses arguments it would otherwise misuse or silently ignore, before writing anything. */
class ZooGenerateArgumentsTest {

    @TempDir Path dir;

    @Test
    void aCommitIntervalThatIsNotAPositiveNumberIsRefused() {
        for (String minutes : new String[] {"NaN", "0", "-1", "Infinity"}) {
            Path out = dir.resolve("zoo-" + minutes);
            Run r = orbit(ZooCommandTest.Run.tinyZoo(out.toString(), 1, "--commit-minutes", minutes));
            assertEquals(2, r.exitCode(), minutes + ": " + r.err());
            assertOneLine(r.err(), "--commit-minutes must be a positive number of minutes, got");
            assertFalse(Files.exists(out), "nothing written");
        }
    }

    @Test
    void dataDirWithTheBundledDigitsIsRefusedRatherThanIgnored() {
        Path out = dir.resolve("zoo");
        Run r = orbit(ZooCommandTest.Run.tinyZoo(out.toString(), 1, "--data-dir", dir.toString()));
        assertEquals(2, r.exitCode(), r.err());
        assertOneLine(r.err(), "--data-dir does not apply to digits");
        assertFalse(Files.exists(out), "nothing written");
    }
}
