package dev.orbit.datasets.zoo.cnnzoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.datasets.testing.AllocationProbe;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a synthetic zoo in the Small CNN Zoo format: rows come back in canonical order, the last
 * step is the default, and the weights file streams instead of loading.
 */
class SmallCnnZooSourceTest {

    @Test
    void readsCanonicalWeightsTargetsAndGroupsOfTheLastStep(@TempDir Path dir) throws Exception {
        SyntheticSmallCnnZoo zoo = SyntheticSmallCnnZoo.smallCnn(6, new int[] {0, 43, 86}, 2);
        zoo.write(dir);
        try (SmallCnnZooSource source = SmallCnnZooSource.open(dir)) {
            assertEquals(4970, source.spec().parameterCount());
            assertEquals(86, source.step());
            assertEquals(6, source.size());
            assertEquals(18, source.fileRowCount());
            for (int i = 0; i < 6; i++) {
                assertEquals(zoo.fileRow(i, 2), source.fileRow(i));
                assertArrayEquals(zoo.canonical(i, 2), source.weights(i), 0f);
                assertEquals(zoo.testAccuracy(i, 2), source.target(i, "test_accuracy"), 1e-6);
                assertEquals(zoo.trainAccuracy(i, 2) - zoo.testAccuracy(i, 2), source.target(i, "gen_gap"), 1e-6);
                assertEquals(zoo.activation(i), source.activation(i));
            }
            // Networks 0 and 6k share learning rate and dropout; the seed column is not part of the group.
            assertEquals("activation=relu;learning_rate=0.01;dropout=0.0;", source.group(0));
            assertNotEquals(source.group(0), source.group(1));
            assertEquals("0.001", source.hyperparameters(1).get("learning_rate"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> source.target(0, "loss"));
            assertTrue(e.getMessage().contains("test_accuracy, gen_gap"), e.getMessage());
        }
        try (SmallCnnZooSource early = SmallCnnZooSource.builder().setFolder(dir).optStep(43).build()) {
            assertArrayEquals(zoo.canonical(3, 1), early.weights(3), 0f);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SmallCnnZooSource.builder().setFolder(dir).optStep(7).build());
        assertTrue(e.getMessage().contains("[0, 43, 86]"), e.getMessage());
    }

    @Test
    void openingAndRandomAccessAllocateFarLessThanTheWeightsFile(@TempDir Path dir) throws Exception {
        SyntheticSmallCnnZoo zoo = SyntheticSmallCnnZoo.smallCnn(800, new int[] {86}, 4);
        zoo.write(dir);
        long fileBytes = Files.size(dir.resolve("weights.npy")); // ~16 MB
        AllocationProbe.Result r = AllocationProbe.measure(() -> {
            try (SmallCnnZooSource source = SmallCnnZooSource.open(dir)) {
                for (int i : new int[] {0, 799, 400, 17, 333}) {
                    assertArrayEquals(zoo.canonical(i, 0), source.weights(i), 0f);
                }
            }
        });
        assertNull(r.thrown());
        assertTrue(r.allocatedBytes() < fileBytes / 4, r.allocatedBytes() + " bytes allocated for a " + fileBytes
                + "-byte file");
        // Negative control: loading the file whole allocates at least its size.
        AllocationProbe.Result whole = AllocationProbe.measure(() -> dev.orbit.datasets.io.Npy.read(dir.resolve("weights.npy")));
        assertTrue(whole.allocatedBytes() >= fileBytes - 1024, String.valueOf(whole.allocatedBytes()));
    }

    /**
     * A full pass (statistics over every network) in a child JVM whose heap is a third of the
     * weights file: streaming succeeds; loading the file whole, the negative control, fails.
     */
    @Test
    void aFullPassStreamsInAHeapSmallerThanTheFile(@TempDir Path dir) throws Exception {
        SyntheticSmallCnnZoo zoo = SyntheticSmallCnnZoo.smallCnn(3000, new int[] {86}, 5);
        zoo.write(dir);
        long fileBytes = Files.size(dir.resolve("weights.npy")); // ~60 MB
        assertTrue(fileBytes > 2 * 20L * 1024 * 1024, "the file must not fit in the child heap");
        Child stream = runChild("stream", dir);
        assertEquals(0, stream.exitCode, stream.output);
        assertTrue(stream.output.contains("streamed 3000 networks"), stream.output);
        Child load = runChild("load", dir);
        assertNotEquals(0, load.exitCode, load.output);
        assertTrue(load.output.contains("OutOfMemoryError"), load.output);
    }

    private record Child(int exitCode, String output) {}

    private static Child runChild(String mode, Path folder) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx20m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), StreamingProbe.class.getName(), mode, folder.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM timed out");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Child(p.exitValue(), out);
    }

    /**
     * A small metrics.csv.gz that inflates to one enormous line (64 MiB here; a 1 MB file holding a
     * 1 GiB line once took 3.7 GB) is refused by the CSV parser's record cap, naming the file, with
     * a few MB allocated; a metrics file with more rows than weights.npy stops at the first extra row.
     */
    @Test
    void aMetricsFileThatInflatesToOneHugeLineIsRefusedWithBoundedMemory(@TempDir Path dir) throws Exception {
        SyntheticSmallCnnZoo zoo = new SyntheticSmallCnnZoo(NetworkSpec.mlp(ActivationKind.RELU, 3, 4, 2), 2, new int[] {5}, 1);
        zoo.write(dir);
        Path metrics = dir.resolve("metrics.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(metrics), 1 << 16)) {
            out.write("step,test_accuracy\n".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) '7');
            for (int i = 0; i < 64; i++) {
                out.write(chunk);
            }
        }
        assertTrue(Files.size(metrics) < 1 << 20, Files.size(metrics) + " bytes");
        AllocationProbe.Result r = AllocationProbe.measure(() -> SmallCnnZooSource.open(dir).close());
        assertTrue(r.thrown() instanceof MalformedFileException, String.valueOf(r.thrown()));
        assertTrue(r.thrown().getMessage().startsWith(metrics + " line 2 is longer than"), r.thrown().getMessage());
        assertTrue(r.allocatedBytes() < 32L << 20, r.allocatedBytes() + " bytes allocated");

        try (Writer w = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(metrics)), StandardCharsets.UTF_8)) {
            w.write("step,test_accuracy\n");
            for (int i = 0; i < 100_000; i++) {
                w.write("5,0.5\n");
            }
        }
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> SmallCnnZooSource.open(dir));
        assertTrue(e.getMessage().contains("more rows than the 2 of weights.npy"), e.getMessage());
        // Negative control: two rows, one per network, read.
        try (Writer w = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(metrics)), StandardCharsets.UTF_8)) {
            w.write("step,test_accuracy\n5,0.5\n5,0.25\n");
        }
        try (SmallCnnZooSource source = SmallCnnZooSource.open(dir)) {
            assertEquals(0.25, source.target(1, "test_accuracy"), 0);
        }
    }

    @Test
    void aFolderWithoutTheZooFilesIsReportedInOneLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("layout.csv"), "varname,start_idx,end_idx,size,shape\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SmallCnnZooSource.open(dir));
        assertTrue(e.getMessage().contains("weights.npy is missing"), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'));
    }
}
