package dev.orbit.training.fit;

import dev.orbit.training.report.HtmlSummary;
import dev.orbit.training.report.LearningCurveChart;
import dev.orbit.training.report.ScatterChart;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of a prediction run, in {@code RUN/report/}: a scatter of predicted against true
 * target on the test split, learning curves (losses and validation Kendall tau per epoch), and a
 * one-page HTML summary linking them.
 */
final class RunReport {

    static final String FOLDER = "report";

    private RunReport() {}

    /** Writes the report; returns the HTML page. */
    static Path write(Path run, String title, Map<String, String> metrics, FitResult result, String target) throws IOException {
        Path folder = run.resolve(FOLDER);
        List<Path> images = new ArrayList<>();
        if (result.testTruth().length > 0) {
            ScatterChart.write(folder.resolve("test-scatter.png"), "Test split: predicted vs true " + target,
                    result.testTruth(), result.testPredicted(), "true " + target, "predicted " + target);
            images.add(Path.of("test-scatter.png"));
        }
        int n = result.history().size();
        double[] trainLoss = new double[n];
        double[] valLoss = new double[n];
        double[] valTau = new double[n];
        for (int i = 0; i < n; i++) {
            trainLoss[i] = result.history().get(i).trainLoss();
            valLoss[i] = result.history().get(i).validationLoss();
            valTau[i] = result.history().get(i).validationTau();
        }
        Map<String, double[]> losses = new LinkedHashMap<>();
        losses.put("train loss", trainLoss);
        losses.put("validation loss", valLoss);
        LearningCurveChart.write(folder.resolve("learning-curves.png"), "MSE on the normalised " + target, losses,
                "epoch", "mean squared error");
        images.add(Path.of("learning-curves.png"));
        if (hasFinite(valTau)) {
            LearningCurveChart.write(folder.resolve("validation-tau.png"), "Validation Kendall tau",
                    Map.of("validation tau", valTau), "epoch", "Kendall tau-b");
            images.add(Path.of("validation-tau.png"));
        }
        List<List<String>> rows = new ArrayList<>();
        for (EpochRecord e : result.history()) {
            rows.add(List.of(Integer.toString(e.epoch()), fmt(e.trainLoss()), fmt(e.validationLoss()),
                    fmt(e.validationTau()), fmt(e.validationRmse()), String.format(Locale.ROOT, "%.0f", e.networksPerSecond())));
        }
        Path html = folder.resolve("index.html");
        HtmlSummary.builder()
                .setTitle(title)
                .optMetrics(new LinkedHashMap<>(metrics))
                .optTable(List.of("epoch", "train loss", "val loss", "val tau", "val rmse", "nets/s"), rows)
                .optImages(images)
                .build()
                .write(html);
        return html;
    }

    private static boolean hasFinite(double[] v) {
        for (double d : v) {
            if (Double.isFinite(d)) {
                return true;
            }
        }
        return false;
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }
}
