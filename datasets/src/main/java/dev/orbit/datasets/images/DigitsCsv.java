package dev.orbit.datasets.images;

import dev.orbit.datasets.io.MalformedFileException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Loads the bundled UCI optical digits (scikit-learn's {@code digits.csv.gz}: 1,797 rows of 64
 * pixel counts in 0..16 then the class) and splits them deterministically: the first 1,347 rows
 * train, the last 450 test, as {@code train_test_split(test_size=0.25, shuffle=False)} would.
 */
final class DigitsCsv {

    static final String RESOURCE = "digits.csv.gz";
    static final int SIDE = 8;
    static final int CLASSES = 10;
    static final int TEST_SIZE = 450;
    private static final int MAX_VALUE = 16;

    private DigitsCsv() {}

    static ImageSplit load() throws IOException {
        String source = "resource " + DigitsCsv.class.getPackageName().replace('.', '/') + "/" + RESOURCE;
        InputStream resource = DigitsCsv.class.getResourceAsStream(RESOURCE);
        if (resource == null) {
            throw new DatasetNotFoundException("The digits dataset " + source
                    + " is missing from the classpath; rebuild orbit-datasets so its resources are packaged.");
        }
        List<int[]> rows = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(resource), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    rows.add(parse(line, rows.size() + 1, source));
                }
            }
        }
        if (rows.size() <= TEST_SIZE) {
            throw new MalformedFileException(source + " has " + rows.size() + " rows but more than "
                    + TEST_SIZE + " were expected.");
        }
        int trainSize = rows.size() - TEST_SIZE;
        return new ImageSplit(part("digits:train", rows.subList(0, trainSize)),
                part("digits:test", rows.subList(trainSize, rows.size())));
    }

    private static int[] parse(String line, int lineNumber, String source) throws MalformedFileException {
        String[] fields = line.split(",");
        int expected = SIDE * SIDE + 1;
        if (fields.length != expected) {
            throw new MalformedFileException(source + " line " + lineNumber + " has " + fields.length
                    + " fields but " + expected + " (64 pixels and a label) were expected.");
        }
        int[] row = new int[expected];
        for (int i = 0; i < expected; i++) {
            int max = i < expected - 1 ? MAX_VALUE : CLASSES - 1;
            try {
                row[i] = Integer.parseInt(fields[i].trim());
            } catch (NumberFormatException e) {
                row[i] = -1;
            }
            if (row[i] < 0 || row[i] > max) {
                throw new MalformedFileException(source + " line " + lineNumber + " field " + (i + 1) + " is '"
                        + fields[i] + "' but an integer in 0.." + max + " was expected.");
            }
        }
        return row;
    }

    private static ImageDataset part(String name, List<int[]> rows) {
        int pixelsPerImage = SIDE * SIDE;
        float[] pixels = new float[rows.size() * pixelsPerImage];
        int[] labels = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            int[] row = rows.get(r);
            for (int p = 0; p < pixelsPerImage; p++) {
                pixels[r * pixelsPerImage + p] = row[p] * (2f / MAX_VALUE) - 1f;
            }
            labels[r] = row[pixelsPerImage];
        }
        return ImageDataset.wrap(name, SIDE, SIDE, CLASSES, pixels, labels);
    }
}
