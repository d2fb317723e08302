package dev.orbit.datasets.zoo.statedict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.datasets.zoo.ArchitectureMismatchException;
import dev.orbit.datasets.io.NpyArray;
import dev.orbit.datasets.io.Npz;
import dev.orbit.datasets.io.SafeTensors;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder of per-network state dicts with a labels CSV. */
class StateDictFolderSourceTest {

    /** 12 layers deep so names run past 9: a sorted safetensors header lists "10." before "2.". */
    private static final int[] WIDTHS = {3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 2};

    @Test
    void mapsNamedTensorsToTheSpecInLayerOrder(@TempDir Path dir) throws Exception {
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, WIDTHS);
        float[] a = ramp(spec, 0f);
        float[] b = ramp(spec, 1000f);
        // Sorted names (TreeMap) as safetensors headers list them; insertion order for the .npz.
        SafeTensors.write(dir.resolve("a.safetensors"), new TreeMap<>(stateDict(spec, a)), Map.of());
        Npz.write(dir.resolve("b.npz"), stateDict(spec, b));
        Files.writeString(dir.resolve("labels.csv"), "file,test_accuracy,train_accuracy,lr\na.safetensors,0.5,0.75,0.1\n"
                + "b.npz,0.25,0.5,0.01\n");
        try (StateDictFolderSource source = StateDictFolderSource.open(dir)) {
            assertEquals(spec, source.spec());
            assertArrayEquals(a, source.weights(0), 0f);
            assertArrayEquals(b, source.weights(1), 0f);
            assertEquals(List.of("test_accuracy", "gen_gap"), source.targetNames());
            assertEquals(0.25, source.target(0, "gen_gap"), 1e-12);
            assertEquals("lr=0.01;", source.group(1));
        }
    }

    @Test
    void aFileOfAnotherArchitectureNamesTheLayerAndBothShapes(@TempDir Path dir) throws Exception {
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, 3, 4, 2);
        NetworkSpec other = NetworkSpec.mlp(ActivationKind.RELU, 3, 5, 2);
        Npz.write(dir.resolve("ok.npz"), stateDict(spec, ramp(spec, 0f)));
        Npz.write(dir.resolve("wide.npz"), stateDict(other, ramp(other, 0f)));
        Files.writeString(dir.resolve("labels.csv"), "file,test_accuracy\nok.npz,0.5\nwide.npz,0.4\n");
        try (StateDictFolderSource source = StateDictFolderSource.open(dir)) {
            assertArrayEquals(ramp(spec, 0f), source.weights(0), 0f);
            ArchitectureMismatchException e = assertThrows(ArchitectureMismatchException.class, () -> source.weights(1));
            assertTrue(e.getMessage().endsWith("layer 0 weight has shape (5,3), the zoo's spec expects (4,3)"), e.getMessage());
        }
    }

    @Test
    void missingFilesAndColumnsAreReportedByName(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("labels.csv"), "file,test_accuracy\nnope.npz,0.5\n");
        Exception e = assertThrows(java.nio.file.NoSuchFileException.class, () -> StateDictFolderSource.open(dir));
        assertTrue(e.getMessage().contains("nope.npz"), e.getMessage());
        Files.writeString(dir.resolve("labels.csv"), "name,test_accuracy\n");
        e = assertThrows(IllegalArgumentException.class, () -> StateDictFolderSource.open(dir));
        assertTrue(e.getMessage().contains("no 'file' column"), e.getMessage());
    }

    /**
     * A labels file naming a weights file outside the zoo folder (a relative path climbing out, or
     * an absolute path) is refused with one line naming the labels file, though the file exists.
     */
    @Test
    void labelsNamingAFileOutsideTheZooFolderAreRefused(@TempDir Path dir) throws Exception {
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, 3, 4, 2);
        Path zoo = Files.createDirectories(dir.resolve("a/b/zoo"));
        Path outside = dir.resolve("a/w.npz");
        Npz.write(outside, stateDict(spec, ramp(spec, 0f)));
        Npz.write(zoo.resolve("in.npz"), stateDict(spec, ramp(spec, 0f)));
        for (String name : List.of("../../w.npz", outside.toAbsolutePath().toString(), "sub/../../../w.npz")) {
            Files.writeString(zoo.resolve("labels.csv"), "file,test_accuracy\nin.npz,0.5\n" + name + ",0.4\n");
            MalformedFileException e = assertThrows(MalformedFileException.class, () -> StateDictFolderSource.open(zoo));
            assertTrue(e.getMessage().contains(zoo.resolve("labels.csv") + " line 3") && e.getMessage().contains(name)
                    && e.getMessage().contains("outside the zoo folder"), e.getMessage());
            assertEquals(-1, e.getMessage().indexOf('\n'));
        }
        // Negative control: a file inside the folder, even spelled with "..", is read.
        Files.writeString(zoo.resolve("labels.csv"), "file,test_accuracy\nin.npz,0.5\n./x/../in.npz,0.4\n");
        try (StateDictFolderSource source = StateDictFolderSource.open(zoo)) {
            assertEquals(2, source.size());
        }
    }

    static float[] ramp(NetworkSpec spec, float offset) {
        float[] w = new float[(int) spec.parameterCount()];
        for (int i = 0; i < w.length; i++) {
            w[i] = offset + i;
        }
        return w;
    }

    /** PyTorch-style names {@code layers.i.weight} / {@code layers.i.bias}, in layer order. */
    static Map<String, NpyArray> stateDict(NetworkSpec spec, float[] flat) {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        int pos = 0;
        for (int l = 0; l < spec.numLayers(); l++) {
            long[] ws = spec.layer(l).weightShape().getShape();
            int wn = (int) spec.layer(l).weightCount();
            out.put("layers." + l + ".weight", NpyArray.ofFloats(ws, Arrays.copyOfRange(flat, pos, pos + wn)));
            pos += wn;
            int bn = spec.layer(l).outNeurons();
            out.put("layers." + l + ".bias", NpyArray.ofFloats(new long[] {bn}, Arrays.copyOfRange(flat, pos, pos + bn)));
            pos += bn;
        }
        return out;
    }
}
