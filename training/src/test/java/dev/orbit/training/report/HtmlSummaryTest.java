package dev.orbit.training.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlSummaryTest {

    static {
        Headless.ensure();
    }

    @TempDir
    Path dir;

    @Test
    void writesAnEscapedPageWithMetricsTableAndCharts() throws IOException {
        double[][] data = ScatterChartTest.noisyPredictions(30, 1);
        ScatterChart.write(dir.resolve("charts/pred vs true.png"), "scatter", data[0], data[1], "true", "pred");
        LearningCurveChart.write(dir.resolve("r&d.png"), "curves",
                Map.of("loss", new double[] {1, 0.5, 0.25}), "epoch", "loss");

        LinkedHashMap<String, String> metrics = new LinkedHashMap<>();
        metrics.put("test Kendall tau", "0.812");
        metrics.put("<b>R^2</b>", "0.64 & rising");
        metrics.put("seed", "42");
        Path html = dir.resolve("index.html");
        HtmlSummary.builder()
                .setTitle("Run \"A\" <script>alert('x')</script> ünïcode")
                .optMetrics(metrics)
                .optTable(List.of("epoch", "val <tau>"), List.of(List.of("1", "0.5"), List.of("2", "a\"b")))
                .optFigures(List.of(new HtmlSummary.Figure(Path.of("charts/pred vs true.png"), "nfn-hnp: predicted vs true"),
                        new HtmlSummary.Figure(Path.of("r&d.png"), "statnn: <loss> & more")))
                .build()
                .write(html);

        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertTrue(page.contains("<title>Run &quot;A&quot; &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; ünïcode</title>"),
                page);
        assertFalse(page.contains("<script"), "no script, escaped or injected");
        assertFalse(page.contains("<b>"), "metric keys are escaped");
        assertTrue(page.contains("<th scope=\"row\">&lt;b&gt;R^2&lt;/b&gt;</th><td>0.64 &amp; rising</td>"), page);
        assertTrue(page.contains("<th scope=\"col\">val &lt;tau&gt;</th>"), page);
        assertTrue(page.contains("<td>a&quot;b</td>"), page);
        assertTrue(page.indexOf("test Kendall tau") < page.indexOf("R^2")
                && page.indexOf("R^2") < page.indexOf("seed"), "metric rows keep their insertion order");
        assertTrue(page.contains("<figure><img src=\"charts/pred%20vs%20true.png\" alt=\"nfn-hnp: predicted vs true\">"
                + "<figcaption>nfn-hnp: predicted vs true</figcaption></figure>"), page);
        assertTrue(page.contains("<img src=\"r&amp;d.png\" alt=\"statnn: &lt;loss&gt; &amp; more\">"
                + "<figcaption>statnn: &lt;loss&gt; &amp; more</figcaption>"), page);
        assertFalse(page.contains("http"), "self-contained: no network resource");
    }

    @Test
    void minimalPageHasOnlyTheTitle() throws IOException {
        Path html = dir.resolve("index.html");
        HtmlSummary.builder().setTitle("empty run").build().write(html);
        String page = Files.readString(html);
        assertTrue(page.contains("<h1>empty run</h1>"));
        assertFalse(page.contains("<table") || page.contains("<img"), page);
    }

    @Test
    void missingChartIsReportedWithItsPath() {
        Path html = dir.resolve("index.html");
        HtmlSummary summary = HtmlSummary.builder().setTitle("t").optFigures(List.of(new HtmlSummary.Figure(Path.of("missing.png"), "c")))
                .build();
        IOException e = assertThrows(IOException.class, () -> summary.write(html));
        assertEquals("Cannot write HTML summary to " + html + ": image missing.png is not a file at "
                + dir.resolve("missing.png") + " (images are linked relative to the page)", e.getMessage());
        assertTrue(Files.notExists(html), "nothing half-written");
    }

    @Test
    void unwritablePathGivesAnIOExceptionNamingThePath() throws IOException {
        HtmlSummary summary = HtmlSummary.builder().setTitle("t").build();
        IOException e = assertThrows(IOException.class, () -> summary.write(dir));
        assertEquals("Cannot write HTML summary to " + dir + ": it is a directory, expected a file path",
                e.getMessage());

        Path file = Files.writeString(dir.resolve("run"), "x");
        Path html = file.resolve("index.html");
        e = assertThrows(IOException.class, () -> summary.write(html));
        assertEquals("Cannot write HTML summary to " + html + ": " + file + " exists and is not a directory",
                e.getMessage());
    }

    @Test
    void badContentIsRejectedByBuild() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HtmlSummary.builder().build());
        assertEquals("HtmlSummary needs a title: call setTitle(...) with a non-blank value", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> HtmlSummary.builder().setTitle("t")
                .optTable(List.of("a", "b"), List.of(List.of("1", "2"), List.of("3")))
                .build());
        assertEquals("Table row 1 has 1 cells but the table has 2 columns [a, b]", e.getMessage());

        for (String bad : List.of("/tmp/abs.png", "../outside.png", "charts/../../x.png")) {
            e = assertThrows(IllegalArgumentException.class,
                    () -> HtmlSummary.builder().setTitle("t").optFigures(List.of(new HtmlSummary.Figure(Path.of(bad), "c")))
                            .build(), bad);
            assertTrue(e.getMessage().startsWith("Image " + bad + " must be a relative path"), e.getMessage());
        }
        for (String blank : new String[] {null, " "}) {
            e = assertThrows(IllegalArgumentException.class, () -> HtmlSummary.builder().setTitle("t")
                    .optFigures(List.of(new HtmlSummary.Figure(Path.of("a.png"), blank))).build());
            assertEquals("Chart a.png needs a caption saying what it shows", e.getMessage());
        }
    }
}
