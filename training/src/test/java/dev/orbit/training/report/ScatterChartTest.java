package dev.orbit.training.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScatterChartTest {

    static {
        Headless.ensure();
    }

    @TempDir
    Path dir;

    @Test
    void writesAPngOfTheDefaultSizeHeadless() throws IOException {
        Path png = dir.resolve("nested/run-1/scatter.png");
        double[][] data = noisyPredictions(200, 5);
        ScatterChart.write(png, "Predicted vs true accuracy", data[0], data[1], "true", "predicted");

        assertTrue(GraphicsEnvironment.isHeadless(), "the chart must have been drawn without a display");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(ScatterChart.DEFAULT_WIDTH, image.getWidth());
        assertEquals(ScatterChart.DEFAULT_HEIGHT, image.getHeight());
        assertTrue(distinctColours(image) > 10, "a drawn chart has more than a background colour");
    }

    @Test
    void writesTheRequestedSizeAndReplacesAnExistingFile() throws IOException {
        Path png = dir.resolve("scatter.png");
        Files.writeString(png, "not a png");
        double[][] data = noisyPredictions(50, 6);
        ScatterChart.write(png, "t", data[0], data[1], "x", "y", 321, 123);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(321, image.getWidth());
        assertEquals(123, image.getHeight());
    }

    @Test
    void nonFinitePointsAreLeftOutButDoNotStopTheChart() throws IOException {
        Path png = dir.resolve("diverged.png");
        double[] truth = {0.1, 0.2, 0.3, 0.4};
        double[] predicted = {0.12, Double.NaN, 0.33, Double.POSITIVE_INFINITY};
        ScatterChart.write(png, "diverged", truth, predicted, "true", "predicted");
        assertEquals(ScatterChart.DEFAULT_WIDTH, ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void unwritablePathsGiveAnIOExceptionNamingThePath() throws IOException {
        double[][] data = noisyPredictions(10, 7);
        Path folder = Files.createDirectory(dir.resolve("already-a-folder.png"));
        IOException e = assertThrows(IOException.class,
                () -> ScatterChart.write(folder, "t", data[0], data[1], "x", "y"));
        assertEquals("Cannot write scatter chart PNG to " + folder + ": it is a directory, expected a file path",
                e.getMessage());

        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Path underFile = file.resolve("scatter.png");
        e = assertThrows(IOException.class, () -> ScatterChart.write(underFile, "t", data[0], data[1], "x", "y"));
        assertTrue(e.getMessage().startsWith("Cannot write scatter chart PNG to " + underFile + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void badDataIsRejectedBeforeAnythingIsWritten() {
        Path png = dir.resolve("never.png");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScatterChart.write(png, "t", new double[3], new double[2], "x", "y"));
        assertEquals("truth has 3 values but predicted has 2; they must be paired one to one", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScatterChart.write(
                png, "t", new double[] {Double.NaN}, new double[] {1}, "x", "y"));
        assertEquals("Scatter chart 't' has no point with both truth and prediction finite (1 points given)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ScatterChart.write(png, "t", new double[1], new double[1], "x", "y", 0, 10));
        assertTrue(Files.notExists(png));
    }

    static double[][] noisyPredictions(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] truth = new double[n];
        double[] predicted = new double[n];
        for (int i = 0; i < n; i++) {
            truth[i] = 0.3 + 0.6 * random.nextDouble();
            predicted[i] = truth[i] + 0.05 * random.nextGaussian();
        }
        return new double[][] {truth, predicted};
    }

    static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
