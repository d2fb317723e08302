package dev.orbit.training.fit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's report names the loss it plots, keeps other quantities off its axis, and says which model each chart is. */
class RunReportTest {

    @TempDir Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static FitResult result() {
        List<EpochRecord> history = List.of(
                new EpochRecord(1, 0.52, 0.031, 0.41, 0.17, 1, 1, 100, 0.1),
                new EpochRecord(2, 0.45, 0.022, 0.55, 0.15, 1, 1, 100, 0.1));
        return new FitResult(null, history, 2, null, null, new double[] {0.2, 0.5, 0.9}, new double[] {0.3, 0.4, 0.8},
                0, false);
    }

    @Test
    void aBceRunPlotsItsLossAloneAndTheValidationMseOnItsOwnChart() throws Exception {
        Path html = RunReport.write(dir, "nfn-hnp", "test_accuracy", FitConfig.Loss.BCE, Map.of(), result());
        String page = Files.readString(html);
        assertTrue(page.contains("<figcaption>nfn-hnp: training loss, binary cross-entropy on test_accuracy</figcaption>"),
                page);
        assertTrue(page.contains("<figcaption>nfn-hnp: validation MSE of test_accuracy</figcaption>"), page);
        assertTrue(page.contains("<figcaption>nfn-hnp: predicted vs true test_accuracy, test split</figcaption>"), page);
        assertTrue(page.contains("<figcaption>nfn-hnp: validation Kendall tau of test_accuracy</figcaption>"), page);
        assertFalse(page.contains("mean squared error on the normalised"), page);
        assertTrue(Files.isRegularFile(dir.resolve("report/validation-mse.png")));
        assertTrue(page.contains("<th scope=\"col\">train loss (bce)</th>"), page);
    }

    @Test
    void anMseRunShowsTrainAndValidationLossTogetherBecauseTheyAreOneQuantity() throws Exception {
        Path html = RunReport.write(dir, "statnn", "gen_gap", FitConfig.Loss.MSE, Map.of(), result());
        String page = Files.readString(html);
        assertTrue(page.contains("<figcaption>statnn: training loss, MSE of the standardised gen_gap</figcaption>"), page);
        assertFalse(Files.exists(dir.resolve("report/validation-mse.png")), "validation loss is on the loss chart");
        assertFalse(page.contains("binary cross-entropy"), page);
        assertTrue(page.contains("<figcaption>statnn: predicted vs true gen_gap, test split</figcaption>"), page);
    }
}
