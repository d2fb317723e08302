package dev.orbit.training.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearningCurveChartTest {

    static {
        Headless.ensure();
    }

    @TempDir
    Path dir;

    @Test
    void writesAPngOfTheDefaultSize() throws IOException {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("train loss", new double[] {0.9, 0.6, 0.45, 0.4, 0.37, 0.35});
        series.put("val Kendall tau", new double[] {0.2, 0.41, 0.55, 0.6, 0.62, 0.63});
        Path png = dir.resolve("curves.png");
        LearningCurveChart.write(png, "HNP metanet", series, "epoch", "value");

        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(LearningCurveChart.DEFAULT_WIDTH, image.getWidth());
        assertEquals(LearningCurveChart.DEFAULT_HEIGHT, image.getHeight());
        assertTrue(ScatterChartTest.distinctColours(image) > 10, "a drawn chart has more than a background colour");
    }

    @Test
    void undefinedEpochsLeaveGapsAndSeriesMayDifferInLength() throws IOException {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("train loss", new double[200]);
        series.put("val tau", new double[] {Double.NaN, 0.3, Double.POSITIVE_INFINITY, 0.5});
        Path png = dir.resolve("gaps.png");
        LearningCurveChart.write(png, "gaps", series, "epoch", "value", 400, 300);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(400, image.getWidth());
        assertEquals(300, image.getHeight());
    }

    @Test
    void unwritablePathGivesAnIOExceptionNamingThePath() throws IOException {
        Path file = Files.writeString(dir.resolve("run"), "x");
        Path png = file.resolve("curves.png");
        IOException e = assertThrows(IOException.class,
                () -> LearningCurveChart.write(png, "t", Map.of("loss", new double[] {1, 0.5}), "epoch", "loss"));
        assertTrue(e.getMessage().startsWith("Cannot write learning-curve chart PNG to " + png + ": "), e.getMessage());
    }

    @Test
    void nothingToPlotIsRejected() {
        Path png = dir.resolve("never.png");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LearningCurveChart.write(png, "empty", Map.of(), "epoch", "loss"));
        assertEquals("Learning-curve chart 'empty' needs at least one series", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LearningCurveChart.write(
                png, "t", Map.of("val tau", new double[] {Double.NaN, Double.NaN}), "epoch", "tau"));
        assertEquals("Series 'val tau' of learning-curve chart 't' has no finite value to plot (2 values given)",
                e.getMessage());
        assertTrue(Files.notExists(png));
    }
}
