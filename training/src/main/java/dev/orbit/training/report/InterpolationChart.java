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
 * Line chart of a quantity along the straight path between two networks, θ(α) = (1 − α)·θ_A + α·θ_B,
 * one line per series (e.g. before and after alignment), saved as a PNG. Rendering is off-screen.
 */
public final class InterpolationChart {

    private InterpolationChart() {}

    /**
     * Writes the chart.
     *
     * @param png file to write; missing folders are created, an existing file is replaced
     * @param title chart title
     * @param alphas the x values, shared by every series
     * @param seriesByName legend name to one value per α, in legend order
     * @param yLabel y-axis label
     * @throws IllegalArgumentException when there is no series or a series' length differs from the α's
     */
    public static void write(Path png, String title, double[] alphas, Map<String, double[]> seriesByName, String yLabel)
            throws IOException {
        Objects.requireNonNull(seriesByName, "seriesByName must not be null");
        if (seriesByName.isEmpty()) {
            throw new IllegalArgumentException("Interpolation chart '" + title + "' needs at least one series");
        }
        XYChart chart = new XYChartBuilder()
                .width(ChartPng.DEFAULT_WIDTH)
                .height(ChartPng.DEFAULT_HEIGHT)
                .title(Objects.requireNonNullElse(title, ""))
                .xAxisTitle("α  (0 = network A, 1 = network B)")
                .yAxisTitle(Objects.requireNonNullElse(yLabel, ""))
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideN);
        chart.getStyler().setMarkerSize(5);
        for (Map.Entry<String, double[]> entry : seriesByName.entrySet()) {
            double[] values = entry.getValue();
            if (values.length != alphas.length) {
                throw new IllegalArgumentException("Series '" + entry.getKey() + "' has " + values.length
                        + " values for " + alphas.length + " points");
            }
            XYSeries series = chart.addSeries(entry.getKey(), alphas, values);
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            series.setMarker(SeriesMarkers.CIRCLE);
        }
        ChartPng.write(chart, png, "interpolation chart PNG");
    }
}
