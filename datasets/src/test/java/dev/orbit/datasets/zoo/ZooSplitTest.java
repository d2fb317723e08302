package dev.orbit.datasets.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import dev.orbit.datasets.zoo.cnnzoo.SmallCnnZooSource;
import dev.orbit.datasets.zoo.cnnzoo.SyntheticSmallCnnZoo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Splits by explicit index lists; NFN's convention checked index for index against Python. */
class ZooSplitTest {

    /** A tiny CNN so the synthetic zoo files stay a few kilobytes. */
    static NetworkSpec tinyCnn() {
        return new NetworkSpec(List.of(LayerSpec.conv(1, 2, 2, 2, 0, ActivationKind.RELU),
                LayerSpec.dense(2, 3, ActivationKind.IDENTITY)), new long[] {1, 5, 5});
    }

    /**
     * 10 networks checkpointed at steps 0 and 86 (file row 2i and 2i+1) and a split file that is a
     * permutation of the 20 rows. Expected values computed by NFN's rule in Python:
     * <pre>
     * s, n = steps[order], net[order]; n = n[s == 86]              # reorder, then keep final step
     * test = n[5:]; tv = list(range(5)); random.Random(0).shuffle(tv)
     * train, val = n[tv[:4]], n[tv[4:]]
     * </pre>
     */
    @Test
    void nfnConventionReproducesThePythonSplitExactly(@TempDir Path dir) throws Exception {
        SyntheticSmallCnnZoo zoo = new SyntheticSmallCnnZoo(tinyCnn(), 10, new int[] {0, 86}, 3);
        zoo.write(dir.resolve("zoo"));
        Path splitFile = dir.resolve("split.csv");
        Files.writeString(splitFile, "13\n4\n7\n0\n19\n2\n11\n16\n5\n9\n1\n18\n15\n6\n3\n12\n17\n8\n10\n14\n");
        try (SmallCnnZooSource source = SmallCnnZooSource.open(dir.resolve("zoo"))) {
            assertEquals(86, source.step());
            ZooSplit split = source.nfnSplit(splitFile);
            assertArrayEquals(new int[] {4, 0, 7, 1, 8}, split.test());
            assertArrayEquals(new int[] {9, 3, 6, 2}, split.train());
            assertArrayEquals(new int[] {5}, split.validation());

            // Negative control: filtering before reordering (a plausible misreading) gives another split.
            int[] orderOfKeptOnly = IntStream.of(13, 4, 7, 0, 19, 2, 11, 16, 5, 9, 1, 18, 15, 6, 3, 12, 17, 8, 10, 14)
                    .filter(r -> r % 2 == 1).sorted().toArray();
            assertNotEquals(split, ZooSplit.nfn(orderOfKeptOnly, source.fileRows()));
        }
    }

    @Test
    void pythonRandomMatchesCPython() {
        // python3.11: r = random.Random(0); [r.getrandbits(32) for _ in range(3)]
        PythonRandom r = new PythonRandom(0);
        assertEquals(3626764237L, r.nextUint32());
        assertEquals(1654615998L, r.nextUint32());
        assertEquals(3255389356L, r.nextUint32());
        // x = list(range(20)); random.Random(0).shuffle(x)
        int[] x = IntStream.range(0, 20).toArray();
        new PythonRandom(0).shuffle(x);
        assertArrayEquals(new int[] {10, 18, 16, 14, 0, 17, 11, 2, 3, 9, 5, 7, 4, 19, 6, 15, 8, 1, 13, 12}, x);
        int[] y = IntStream.range(0, 1000).toArray();
        new PythonRandom(0).shuffle(y);
        assertArrayEquals(new int[] {439, 621, 160, 549, 237, 389, 658, 507, 124, 290}, java.util.Arrays.copyOf(y, 10));
    }

    @Test
    void nfnConventionRejectsASplitFileMissingRows() {
        assertThrows(IllegalArgumentException.class, () -> ZooSplit.nfn(new int[] {1, 3}, new int[] {1, 3, 5}));
    }

    @Test
    void randomSplitIsSeededDisjointAndComplete() {
        ZooSplit a = ZooSplit.random(100, 0.2, 0.3, 7);
        assertEquals(a, ZooSplit.random(100, 0.2, 0.3, 7));
        assertNotEquals(a, ZooSplit.random(100, 0.2, 0.3, 8));
        assertEquals(30, a.test().length);
        assertEquals(20, a.validation().length);
        Set<Integer> all = new HashSet<>();
        for (int[] part : List.of(a.train(), a.validation(), a.test())) {
            for (int r : part) {
                assertTrue(all.add(r));
            }
        }
        assertEquals(100, all.size());
        assertEquals(a, ZooSplit.fromJson(a.toJson()));
    }


    @Test
    void trainingSubsetKeepsValidationAndTestAndDrawsASeededSubset() {
        ZooSplit full = ZooSplit.random(100, 0.2, 0.3, 7);
        ZooSplit sub = full.withTrainingSubset(20, 1);
        assertEquals(20, sub.train().length);
        assertArrayEquals(full.validation(), sub.validation());
        assertArrayEquals(full.test(), sub.test());
        Set<Integer> trainRows = new HashSet<>();
        for (int r : full.train()) {
            trainRows.add(r);
        }
        for (int r : sub.train()) {
            assertTrue(trainRows.remove(r), "row " + r + " is a training row, drawn once");
        }
        assertEquals(sub, full.withTrainingSubset(20, 1));
        // Negative control: another seed draws other networks.
        assertNotEquals(sub, full.withTrainingSubset(20, 2));
        assertThrows(IllegalArgumentException.class, () -> full.withTrainingSubset(51, 1));
        assertThrows(IllegalArgumentException.class, () -> full.withTrainingSubset(0, 1));
    }
    @Test
    void groupSplitKeepsEachGroupOnOneSide() {
        int n = 120;
        List<float[]> weights = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, 2, 3, 1);
        for (int i = 0; i < n; i++) {
            weights.add(new float[(int) spec.parameterCount()]);
            groups.add("recipe-" + (i % 20)); // 20 recipes x 6 seeds
        }
        InMemoryZooSource source = InMemoryZooSource.of(spec, weights, Map.of("test_accuracy", new double[n]), groups);
        ZooSplit split = ZooSplit.byGroup(source, 0.2, 0.2, 1);
        assertTrue(sidesOfEachGroup(source, split).values().stream().allMatch(s -> s.size() == 1));
        assertTrue(split.test().length >= 18 && split.validation().length >= 18, split.toString());
        // Negative control: a random split of the same zoo puts some recipe on two sides.
        ZooSplit random = ZooSplit.random(n, 0.2, 0.2, 1);
        assertFalse(sidesOfEachGroup(source, random).values().stream().allMatch(s -> s.size() == 1));
    }

    private static Map<String, Set<String>> sidesOfEachGroup(ModelZooSource source, ZooSplit split) {
        Map<String, Set<String>> sides = new HashMap<>();
        Map<String, int[]> parts = Map.of("train", split.train(), "val", split.validation(), "test", split.test());
        parts.forEach((side, rows) -> {
            for (int r : rows) {
                sides.computeIfAbsent(source.group(r), k -> new HashSet<>()).add(side);
            }
        });
        return sides;
    }

    @Test
    void overlappingListsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ZooSplit(new int[] {1, 2}, new int[] {3}, new int[] {2}));
        assertTrue(e.getMessage().contains("Row 2"), e.getMessage());
    }
}
