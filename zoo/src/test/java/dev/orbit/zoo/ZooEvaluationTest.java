package dev.orbit.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.images.ImageDataset;
import dev.orbit.datasets.images.ImageDatasets;
import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.zoo.format.Provenance;
import dev.orbit.zoo.format.ZooFormat;
import dev.orbit.zoo.format.ZooMetricsRow;
import dev.orbit.zoo.format.ZooReader;
import dev.orbit.zoo.format.ZooWriter;
import dev.orbit.zoo.space.ZooRecipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ZooEvaluation} on a tiny digits zoo: measuring reproduces the test accuracy the generator
 * recorded, through the writer (checksums stay valid, a killed replacement is finished on reopen),
 * and an architecture that cannot read the dataset is one clear error.
 */
class ZooEvaluationTest {

    @TempDir
    static Path tmp;

    private static Path zoo;
    private static ImageSplit digits;
    private static List<ZooMetricsRow> recorded;

    @BeforeAll
    static void generateTinyDigitsZoo() throws Exception {
        zoo = tmp.resolve("zoo");
        digits = ImageDatasets.load(ImageDatasets.DIGITS);
        ZooRecipe recipe = ZooRecipe.custom("digits", "mlp:64-8-10", 6, 2)
                .with(new ZooRecipe.Overrides(null, null, null, 7L, null, List.of(0, 1, 2), null, 160, 32, 100, 4, 1));
        ZooGenerator.generate(zoo, recipe, digits, Provenance.of("test", "0", "0", null),
                ZooWriter.Options.defaults(), ZooGenerator.Listener.SILENT);
        try (ZooReader reader = ZooReader.open(zoo)) {
            recorded = reader.metrics();
        }
        Set<String> activations = recorded.stream().map(r -> r.hyperparameters().activation().id())
                .collect(Collectors.toSet());
        assertEquals(18, recorded.size());
        assertTrue(activations.size() == 2, "the space mixes relu and tanh, so both groups are measured: " + activations);
    }

    @Test
    void measuringReproducesTheRecordedAccuraciesThroughTheWriter() throws Exception {
        Path copy = copyOf(zoo, tmp.resolve("erased"));
        // As a generated zoo: no test metrics until measured.
        try (ZooWriter writer = ZooWriter.reopen(copy)) {
            int erased = writer.replaceMetrics(r -> new CheckpointMetrics(r.metrics().trainAccuracy(),
                    r.metrics().trainLoss(), Double.NaN, Double.NaN, r.metrics().diverged()));
            assertEquals(18, erased);
        }
        try (ZooReader reader = ZooReader.open(copy)) {
            assertTrue(reader.verify().ok(), "the rewritten metrics are under the manifest's checksum");
            assertTrue(Double.isNaN(reader.metrics().get(5).metrics().testAccuracy()));
        }

        ZooEvaluation.Result result = ZooEvaluation.evaluate(copy, "digits", digits, -1, (done, total) -> {});
        assertEquals(100, result.testImages(), "the zoo's own eval_test_limit is the default");
        assertEquals(18, result.rows());
        try (ZooReader reader = ZooReader.open(copy)) {
            assertTrue(reader.verify().ok(), String.join("; ", reader.verify().faults()));
            List<ZooMetricsRow> measured = reader.metrics();
            for (int row = 0; row < recorded.size(); row++) {
                ZooMetricsRow want = recorded.get(row);
                ZooMetricsRow got = measured.get(row);
                // The same pass on the same weights: accuracies are counts of identical argmaxes.
                assertEquals(want.metrics().testAccuracy(), got.metrics().testAccuracy(), 0.5 / 100,
                        "row " + row + " test accuracy");
                // Float32 loss sums in another chunking: relative round-off of 100 terms.
                assertEquals(want.metrics().testLoss(), got.metrics().testLoss(),
                        1e-5 * Math.max(1, Math.abs(want.metrics().testLoss())), "row " + row + " test loss");
                assertEquals(want.metrics().trainAccuracy(), got.metrics().trainAccuracy(), 0.0, "train metrics kept");
                assertEquals(want.hyperparameters(), got.hyperparameters());
            }
        }
    }

    @Test
    void aReplacementKilledAfterItsCommitIsFinishedWhenTheZooIsOpenedForWriting() throws Exception {
        Path copy = copyOf(zoo, tmp.resolve("killed"));
        Path metrics = copy.resolve(ZooFormat.METRICS);
        byte[] before = Files.readAllBytes(metrics);
        try (ZooWriter writer = ZooWriter.reopen(copy)) {
            writer.replaceMetrics(r -> new CheckpointMetrics(0.5, 1, 0.25, 2, r.metrics().diverged()));
        }
        // The state a kill between the manifest's commit and the rename leaves behind.
        Path next = copy.resolve(".metrics.csv.next.tmp");
        Files.move(metrics, next);
        Files.write(metrics, before);
        try (ZooReader reader = ZooReader.open(copy)) {
            assertFalse(reader.verify().ok(), "negative control: the old metrics no longer match the manifest");
        }
        try (ZooWriter writer = ZooWriter.reopen(copy)) {
            assertFalse(Files.exists(next));
        }
        try (ZooReader reader = ZooReader.open(copy)) {
            assertTrue(reader.verify().ok(), String.join("; ", reader.verify().faults()));
            assertEquals(0.25, reader.metrics().get(3).metrics().testAccuracy(), 0.0);
        }
    }

    @Test
    void anArchitectureThatCannotReadTheDatasetIsOneClearError() throws Exception {
        Path copy = copyOf(zoo, tmp.resolve("mismatch"));
        ImageDataset images = ImageDataset.of("fashion-like", 28, 28, 10, new float[2 * 28 * 28], new int[] {0, 1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ZooEvaluation.evaluate(copy,
                "fashion-like", new ImageSplit(images, images), -1, (done, total) -> {}));
        assertTrue(e.getMessage().contains(copy.toString()) && e.getMessage().contains("cannot run on fashion-like")
                && e.getMessage().contains("784"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> ZooEvaluation.evaluate(copy,
                "mnist-8x8", digits, -1, (done, total) -> {}));
        assertTrue(other.getMessage().contains("trained on digits"), other.getMessage());
        try (ZooReader reader = ZooReader.open(copy)) {
            assertEquals(recorded, reader.metrics(), "a refused evaluation changes nothing");
        }
    }

    private static Path copyOf(Path source, Path target) throws Exception {
        Files.createDirectories(target.resolve(ZooFormat.SHARDS_DIR));
        try (var files = Files.walk(source)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, target.resolve(source.relativize(f).toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return target;
    }
}
