package dev.orbit.training.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.images.ImageDataset;
import dev.orbit.datasets.images.ImageDatasets;
import dev.orbit.datasets.zoo.statedict.StateDictWriter;
import dev.orbit.metanet.symmetry.PermutationAction;
import dev.orbit.training.align.Networks;
import dev.orbit.training.align.ZooRows;
import dev.orbit.training.predict.WeightsFile;
import dev.orbit.zoo.eval.NetworkRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code orbit align}, {@code merge} and {@code barrier} on a tiny digits zoo. */
class AlignCommandTest {

    @TempDir static Path dir;
    static Path zoo;
    static List<Integer> sameActivation; // rows trained with one activation

    @BeforeAll
    static void zoo() throws Exception {
        zoo = dir.resolve("zoo");
        ZooCommandTest.Run r = ZooCommandTest.Run.orbit(ZooCommandTest.Run.tinyZoo(zoo.toString(), 8));
        assertEquals(0, r.code(), r.err());
        try (ZooRows rows = ZooRows.open(zoo)) {
            Map<String, List<Integer>> byActivation = new java.util.TreeMap<>();
            for (int i = 0; i < rows.size(); i++) {
                byActivation.computeIfAbsent(rows.source().activation(i).id(), k -> new ArrayList<>()).add(i);
            }
            sameActivation = byActivation.values().stream().max(java.util.Comparator.comparingInt(List::size)).orElseThrow();
        }
        assertTrue(sameActivation.size() >= 3, "8 members, two activations: one has at least 3");
    }

    @Test
    void aligningAPermutedCopyGivesTheNetworkBackByBothMethods() throws Exception {
        String ref = zoo + "#" + sameActivation.get(0);
        Networks.Network a = Networks.load(List.of(ref), null, null).get(0);
        Path permuted = dir.resolve("permuted.safetensors");
        StateDictWriter.write(permuted, a.spec(), PermutationAction.random(a.spec(), 3).applyToFlat(a.spec(), a.weights()), Map.of());
        for (String method : List.of("weights", "activations")) {
            Path out = dir.resolve("aligned-" + method + ".npz");
            ZooCommandTest.Run r = ZooCommandTest.Run.orbit("align", "--reference", ref, "--weights", permuted.toString(),
                    "--out", out.toString(), "--method", method, "--zoo", zoo.toString());
            assertEquals(0, r.code(), r.err());
            float[] aligned = WeightsFile.read(out, a.spec(), "test");
            if (method.equals("weights")) {
                assertTrue(r.out().contains("-> 0.0000"), r.out());
                assertArrayEquals(a.weights(), aligned, method);
            }
            // Activation matching cannot tell dead ReLU neurons apart (they correlate with nothing), so
            // for it only the function is checked: the same test loss, to float rounding.
            try (NetworkRunner runner = new NetworkRunner(a.spec())) {
                ImageDataset test = ImageDatasets.load("digits").test();
                assertEquals(runner.score(a.weights(), test, 0).loss(), runner.score(aligned, test, 0).loss(), 1e-5);
            }
        }
    }

    @Test
    void alignWithCurveAndMergeWriteTheirFiles() {
        String a = zoo + "#" + sameActivation.get(0);
        String b = zoo + "#" + sameActivation.get(1);
        String c = zoo + "#" + sameActivation.get(2);
        Path curve = dir.resolve("curve");
        ZooCommandTest.Run r = ZooCommandTest.Run.orbit("align", "--reference", a, "--weights", b, "--out",
                dir.resolve("b.safetensors").toString(), "--curve", curve.toString(), "--points", "5", "--test-limit", "100");
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("pairs.csv", "curves.csv", "barrier-loss.png", "barrier-accuracy.png")) {
            assertTrue(Files.isRegularFile(curve.resolve(f)), f);
        }
        ZooCommandTest.Run m = ZooCommandTest.Run.orbit("merge", a, b, c, "--out", dir.resolve("m.npz").toString());
        assertEquals(0, m.code(), m.err());
        assertTrue(m.out().contains("merged (aligned by weights)") && m.out().contains("plain average"), m.out());
        assertTrue(Files.isRegularFile(dir.resolve("m.npz")));
    }

    @Test
    void barrierComparesMethodsOverPairs() throws Exception {
        Path out = dir.resolve("barrier");
        ZooCommandTest.Run r = ZooCommandTest.Run.orbit("barrier", "--zoo", zoo.toString(), "--pairs", "1",
                "--min-accuracy", "0", "--points", "3", "--test-limit", "100", "--samples", "50", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out.resolve("pairs.csv"));
        assertEquals(1 + 3, lines.size(), String.join("\n", lines)); // header, 1 pair x (none, weights, activations)
        assertTrue(r.out().contains("weights:") && r.out().contains("activations:"), r.out());
    }

    @Test
    void teleportKeepsTheLossAndWritesItsCurves() throws Exception {
        Path out = dir.resolve("teleport");
        ZooCommandTest.Run r = ZooCommandTest.Run.orbit("teleport", "--steps", "3", "--seeds", "1", "--images", "100",
                "--hidden", "8", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        // factors are powers of 2 here, so the teleported network's loss is the same to the last bit
        assertTrue(r.out().contains("loss change at teleport 0.00e+00"), r.out());
        assertEquals(1 + 4, Files.readAllLines(out.resolve("teleport.csv")).size());
        assertTrue(Files.isRegularFile(out.resolve("teleport-loss.png")));
    }

    @Test
    void userErrorsAreOneLine() {
        ZooCommandTest.Run missing = ZooCommandTest.Run.orbit("align", "--reference", dir.resolve("nowhere") + "#0",
                "--weights", zoo + "#0", "--out", dir.resolve("x.npz").toString());
        assertEquals(2, missing.code());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        ZooCommandTest.Run method = ZooCommandTest.Run.orbit("align", "--reference", zoo + "#0", "--weights", zoo + "#0",
                "--out", dir.resolve("x.npz").toString(), "--method", "magic");
        assertEquals(2, method.code());
        assertTrue(method.err().contains("weights or activations"), method.err());
        ZooCommandTest.Run row = ZooCommandTest.Run.orbit("align", "--reference", zoo + "#99", "--weights", zoo + "#0",
                "--out", dir.resolve("x.npz").toString());
        assertEquals(2, row.code());
        assertTrue(row.err().contains("#99"), row.err());
    }
}
