package dev.orbit.training.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Predicted-versus-true scatter plot for a weight-space regressor (one point per zoo member), with the
 * line y = x marking perfect predictions, saved as a PNG.
 *
 * <p>Points where either value is NaN or infinite cannot be placed; they are left out and their count
 * is shown in the legend, so a diverged prediction is visible rather than silently dropped.
 * Rendering is off-screen and works with {@code java.awt.headless=true}.
 */
public final class ScatterChart {

    /** Width in pixels used when none is given. */
    public static final int DEFAULT_WIDTH = ChartPng.DEFAULT_WIDTH;

    /** Height in pixels used when none is given. */
    public static final int DEFAULT_HEIGHT = ChartPng.DEFAULT_HEIGHT;

    private ScatterChart() {}

    /**
     * Writes a {@value #DEFAULT_WIDTH} x {@value #DEFAULT_HEIGHT} scatter chart.
     *
     * @see #write(Path, String, double[], double[], String, String, int, int)
     */
    public static void write(
            Path png, String title, double[] truth, double[] predicted, String xLabel, String yLabel)
            throws IOException {
        write(png, title, truth, predicted, xLabel, yLabel, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    /**
     * Writes a scatter chart of {@code predicted} (y axis) against {@code truth} (x axis).
     *
     * @param png file to write; missing parent folders are created, an existing file is replaced
     * @param title chart title
     * @param truth true values, one per point
     * @param predicted predicted values, paired with {@code truth}
     * @param xLabel x-axis label
     * @param yLabel y-axis label
     * @param width image width in pixels
     * @param height image height in pixels
     * @throws IllegalArgumentException if the arrays differ in length, have no pair of finite values,
     *     or the size is not positive
     * @throws IOException if the file cannot be written; the message names the path
     */
    public static void write(
            Path png,
            String title,
            double[] truth,
            double[] predicted,
            String xLabel,
            String yLabel,
            int width,
            int height)
            throws IOException {
        Objects.requireNonNull(truth, "truth must not be null");
        Objects.requireNonNull(predicted, "predicted must not be null");
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException("truth has " + truth.length + " values but predicted has "
                    + predicted.length + "; they must be paired one to one");
        }
        ChartPng.requireSize(width, height);

        int finite = 0;
        for (int i = 0; i < truth.length; i++) {
            if (Double.isFinite(truth[i]) && Double.isFinite(predicted[i])) {
                finite++;
            }
        }
        if (finite == 0) {
            throw new IllegalArgumentException("Scatter chart '" + title + "' has no point with both truth and "
                    + "prediction finite (" + truth.length + " points given)");
        }
        double[] xs = new double[finite];
        double[] ys = new double[finite];
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (int i = 0, k = 0; i < truth.length; i++) {
            if (Double.isFinite(truth[i]) && Double.isFinite(predicted[i])) {
                xs[k] = truth[i];
                ys[k] = predicted[i];
                low = Math.min(low, Math.min(truth[i], predicted[i]));
                high = Math.max(high, Math.max(truth[i], predicted[i]));
                k++;
            }
        }

        XYChart chart = new XYChartBuilder()
                .width(width)
                .height(height)
                .title(Objects.requireNonNullElse(title, ""))
                .xAxisTitle(Objects.requireNonNullElse(xLabel, ""))
                .yAxisTitle(Objects.requireNonNullElse(yLabel, ""))
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setMarkerSize(5);

        int omitted = truth.length - finite;
        String pointsName = omitted == 0
                ? "n = " + finite
                : "n = " + finite + " (" + omitted + " non-finite omitted)";
        XYSeries points = chart.addSeries(pointsName, xs, ys);
        points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        points.setMarker(SeriesMarkers.CIRCLE);

        XYSeries identity = chart.addSeries("y = x", new double[] {low, high}, new double[] {low, high});
        identity.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        identity.setMarker(SeriesMarkers.NONE);

        ChartPng.write(chart, png, "scatter chart PNG");
    }
}
