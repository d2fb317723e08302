package dev.orbit.training.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

/**
 * Renders a chart into an off-screen image and saves it as PNG. Nothing here opens a window, so it
 * works with {@code java.awt.headless=true}.
 */
final class ChartPng {

    static final int DEFAULT_WIDTH = 800;
    static final int DEFAULT_HEIGHT = 600;

    private ChartPng() {}

    static void requireSize(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException(
                    "Chart size must be positive, got " + width + " x " + height + " pixels");
        }
    }

    static void write(XYChart chart, Path png, String what) throws IOException {
        BufferedImage image = BitmapEncoder.getBufferedImage(chart);
        try (OutputStream out = OutputFile.open(png, what)) {
            boolean encoded;
            try {
                encoded = ImageIO.write(image, "png", out);
            } catch (IOException e) {
                throw OutputFile.failure(png, what, e);
            }
            if (!encoded) {
                throw new IOException("Cannot write " + what + " to " + png + ": no PNG encoder is available");
            }
        }
    }
}
