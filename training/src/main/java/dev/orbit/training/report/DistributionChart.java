package dev.orbit.training.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Compares distributions as empirical cumulative distribution functions, one step line per sample
 * (e.g. the test accuracies of a zoo, of generated networks and of random initialisations): the
 * share of values at or below x. Unlike histograms, it needs no bin width and shows medians and
 * tails of samples of any size on one axis.
 */
public final class DistributionChart {

    private DistributionChart() {}

    /**
     * Writes a {@value ChartPng#DEFAULT_WIDTH} x {@value ChartPng#DEFAULT_HEIGHT} chart.
     *
     * @param samples legend name (with its size added) to values; non-finite values are left out
     * @throws IllegalArgumentException when there is no sample or a sample has no finite value
     * @throws IOException when the file cannot be written; the message names the path
     */
    public static void write(Path png, String title, Map<String, double[]> samples, String xLabel) throws IOException {
        Objects.requireNonNull(samples, "samples must not be null");
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("Distribution chart '" + title + "' needs at least one sample");
        }
        XYChart chart = new XYChartBuilder()
                .width(ChartPng.DEFAULT_WIDTH)
                .height(ChartPng.DEFAULT_HEIGHT)
                .title(Objects.requireNonNullElse(title, ""))
                .xAxisTitle(Objects.requireNonNullElse(xLabel, ""))
                .yAxisTitle("share of networks at or below x")
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        for (Map.Entry<String, double[]> e : samples.entrySet()) {
            double[] values = Arrays.stream(e.getValue()).filter(Double::isFinite).sorted().toArray();
            if (values.length == 0) {
                throw new IllegalArgumentException("Distribution chart '" + title + "': sample '" + e.getKey()
                        + "' has no finite value");
            }
            double[] xs = new double[2 * values.length];
            double[] ys = new double[2 * values.length];
            for (int i = 0; i < values.length; i++) { // a step: up at each value
                xs[2 * i] = values[i];
                ys[2 * i] = (double) i / values.length;
                xs[2 * i + 1] = values[i];
                ys[2 * i + 1] = (double) (i + 1) / values.length;
            }
            XYSeries series = chart.addSeries(e.getKey() + " (n = " + values.length + ")", xs, ys);
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            series.setMarker(SeriesMarkers.NONE);
        }
        ChartPng.write(chart, png, "distribution chart PNG");
    }
}
