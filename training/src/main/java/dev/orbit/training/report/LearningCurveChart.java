package dev.orbit.training.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line chart of per-epoch training curves (e.g. train loss and validation Kendall tau) for a metanet
 * run, saved as a PNG.
 *
 * <p>Value {@code i} of every series is drawn at x = i + 1, i.e. epochs are numbered from 1. A NaN or
 * infinite value (an epoch where a metric was undefined or training diverged) leaves a gap in its
 * line, and the legend says how many values were left out. Rendering is off-screen and works with
 * {@code java.awt.headless=true}.
 */
public final class LearningCurveChart {

    /** Width in pixels used when none is given. */
    public static final int DEFAULT_WIDTH = ChartPng.DEFAULT_WIDTH;

    /** Height in pixels used when none is given. */
    public static final int DEFAULT_HEIGHT = ChartPng.DEFAULT_HEIGHT;

    private LearningCurveChart() {}

    /**
     * Writes a {@value #DEFAULT_WIDTH} x {@value #DEFAULT_HEIGHT} learning-curve chart.
     *
     * @see #write(Path, String, Map, String, String, int, int)
     */
    public static void write(
            Path png, String title, Map<String, double[]> seriesByName, String xLabel, String yLabel)
            throws IOException {
        write(png, title, seriesByName, xLabel, yLabel, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    /**
     * Writes one line per series, in the map's iteration order (use a {@code LinkedHashMap} to fix the
     * legend order).
     *
     * @param png file to write; missing parent folders are created, an existing file is replaced
     * @param title chart title
     * @param seriesByName legend name to per-epoch values; series may differ in length
     * @param xLabel x-axis label, e.g. "epoch"
     * @param yLabel y-axis label
     * @param width image width in pixels
     * @param height image height in pixels
     * @throws IllegalArgumentException if there are no series, a series has no finite value, or the
     *     size is not positive
     * @throws IOException if the file cannot be written; the message names the path
     */
    public static void write(
            Path png,
            String title,
            Map<String, double[]> seriesByName,
            String xLabel,
            String yLabel,
            int width,
            int height)
            throws IOException {
        Objects.requireNonNull(seriesByName, "seriesByName must not be null");
        if (seriesByName.isEmpty()) {
            throw new IllegalArgumentException("Learning-curve chart '" + title + "' needs at least one series");
        }
        ChartPng.requireSize(width, height);

        XYChart chart = new XYChartBuilder()
                .width(width)
                .height(height)
                .title(Objects.requireNonNullElse(title, ""))
                .xAxisTitle(Objects.requireNonNullElse(xLabel, ""))
                .yAxisTitle(Objects.requireNonNullElse(yLabel, ""))
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(4);

        for (Map.Entry<String, double[]> entry : seriesByName.entrySet()) {
            String name = Objects.requireNonNull(entry.getKey(), "series names must not be null");
            double[] values = Objects.requireNonNull(entry.getValue(), () -> "series '" + name + "' is null");
            double[] epochs = new double[values.length];
            double[] finiteOrGap = new double[values.length];
            int omitted = 0;
            for (int i = 0; i < values.length; i++) {
                epochs[i] = i + 1;
                finiteOrGap[i] = Double.isFinite(values[i]) ? values[i] : Double.NaN;
                omitted += Double.isFinite(values[i]) ? 0 : 1;
            }
            if (omitted == values.length) {
                throw new IllegalArgumentException("Series '" + name + "' of learning-curve chart '" + title
                        + "' has no finite value to plot (" + values.length + " values given)");
            }
            String legend = omitted == 0 ? name : name + " (" + omitted + " non-finite omitted)";
            XYSeries series = chart.addSeries(legend, epochs, finiteOrGap);
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            series.setMarker(values.length <= 50 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }

        ChartPng.write(chart, png, "learning-curve chart PNG");
    }
}
