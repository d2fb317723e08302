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
 * target on the test split, the training loss per epoch (named: BCE or MSE of the standardised
 * target), the validation error and Kendall tau per epoch, and a one-page HTML summary showing them.
 * Quantities of different kinds never share an axis; every chart names its model in its title and
 * caption.
 */
final class RunReport {

    static final String FOLDER = "report";

    private RunReport() {}

    /** Writes the report of {@code model} fitted with {@code loss} to predict {@code target}; returns the HTML page. */
    static Path write(Path run, String model, String target, FitConfig.Loss loss, Map<String, String> metrics,
            FitResult result) throws IOException {
        Path folder = run.resolve(FOLDER);
        List<HtmlSummary.Figure> figures = new ArrayList<>();
        if (result.testTruth().length > 0) {
            String title = model + ": predicted vs true " + target + ", test split";
            ScatterChart.write(folder.resolve("test-scatter.png"), title, result.testTruth(), result.testPredicted(),
                    "true " + target, "predicted " + target);
            figures.add(new HtmlSummary.Figure(Path.of("test-scatter.png"), title));
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
        String validationError = "MSE of " + (loss == FitConfig.Loss.MSE ? "the standardised " : "") + target;
        Map<String, double[]> losses = new LinkedHashMap<>();
        losses.put("train", trainLoss);
        if (loss == FitConfig.Loss.MSE) {
            losses.put("validation", valLoss); // the same quantity on other networks: one axis
        }
        String lossTitle = model + ": training loss, " + lossName(loss, target);
        LearningCurveChart.write(folder.resolve("learning-curves.png"), lossTitle, losses, "epoch", lossName(loss, target));
        figures.add(new HtmlSummary.Figure(Path.of("learning-curves.png"), lossTitle));
        if (loss != FitConfig.Loss.MSE && hasFinite(valLoss)) {
            String title = model + ": validation " + validationError;
            LearningCurveChart.write(folder.resolve("validation-mse.png"), title, Map.of("validation", valLoss), "epoch",
                    validationError);
            figures.add(new HtmlSummary.Figure(Path.of("validation-mse.png"), title));
        }
        if (hasFinite(valTau)) {
            String title = model + ": validation Kendall tau of " + target;
            LearningCurveChart.write(folder.resolve("validation-tau.png"), title, Map.of("validation", valTau), "epoch",
                    "Kendall tau-b");
            figures.add(new HtmlSummary.Figure(Path.of("validation-tau.png"), title));
        }
        List<List<String>> rows = new ArrayList<>();
        for (EpochRecord e : result.history()) {
            rows.add(List.of(Integer.toString(e.epoch()), fmt(e.trainLoss()), fmt(e.validationLoss()),
                    fmt(e.validationTau()), fmt(e.validationRmse()), String.format(Locale.ROOT, "%.0f", e.networksPerSecond())));
        }
        Path html = folder.resolve("index.html");
        HtmlSummary.builder()
                .setTitle(model + " predicting " + target)
                .optMetrics(new LinkedHashMap<>(metrics))
                .optTable(List.of("epoch", "train loss (" + shortName(loss) + ")", "val " + shortName(FitConfig.Loss.MSE),
                        "val tau", "val rmse", "nets/s"), rows)
                .optFigures(figures)
                .build()
                .write(html);
        return html;
    }

    /** What the training loss is, for a chart's axis. */
    static String lossName(FitConfig.Loss loss, String target) {
        return switch (loss) {
            case BCE -> "binary cross-entropy on " + target;
            case MSE -> "MSE of the standardised " + target;
            case AUTO -> throw new IllegalArgumentException("Resolve the AUTO loss before reporting it");
        };
    }

    private static String shortName(FitConfig.Loss loss) {
        return loss.name().toLowerCase(Locale.ROOT);
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
