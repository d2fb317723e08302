package dev.orbit.datasets.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.datasets.io.NpyArray;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerKind;
import dev.orbit.metanet.space.NetworkSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TensorFlow-to-canonical conversion of Small CNN Zoo rows, checked against a tiny example whose
 * expected order is written out by hand: conv 2x2 (1 -> 2 channels), dense 2 -> 3, 19 parameters.
 */
class SmallCnnZooLayoutTest {

    /** Bias before kernel, TensorFlow shapes, as the real layout.csv spells them. */
    private static final String TINY_LAYOUT = "varname,start_idx,end_idx,size,shape\n"
            + "sequential/conv2d/bias:0,0,2,2,\"(2,)\"\n"
            + "sequential/conv2d/kernel:0,2,10,8,\"(2, 2, 1, 2)\"\n"
            + "sequential/dense/bias:0,10,13,3,\"(3,)\"\n"
            + "sequential/dense/kernel:0,13,19,6,\"(2, 3)\"\n";

    /**
     * File row = 0, 1, ..., 18. Conv kernel (h, w, in, out) at 2 + (y*2 + x)*2 + o, so canonical
     * (out, in, h, w) is o=0: 2,4,6,8 and o=1: 3,5,7,9; then bias 0,1. Dense kernel (in, out) at
     * 13 + c*3 + o, so canonical (out, in) is 13,16 / 14,17 / 15,18; then bias 10,11,12.
     */
    private static final float[] TINY_CANONICAL = {2, 4, 6, 8, 3, 5, 7, 9, 0, 1, 13, 16, 14, 17, 15, 18, 10, 11, 12};

    @Test
    void handBuiltTinyExampleConvertsToCanonicalOrder(@TempDir Path dir) throws Exception {
        SmallCnnZooLayout layout = tinyLayout(dir);
        float[] fileRow = new float[19];
        for (int i = 0; i < fileRow.length; i++) {
            fileRow[i] = i;
        }
        assertEquals(19, layout.columns());
        assertArrayEquals(TINY_CANONICAL, layout.toCanonical(fileRow), 0f);
        // Negative control: the file order itself is not canonical, so the test can fail.
        assertFalse(java.util.Arrays.equals(fileRow, layout.toCanonical(fileRow)));
    }

    @Test
    void conversionRoundTripsBothWays(@TempDir Path dir) throws Exception {
        SmallCnnZooLayout layout = tinyLayout(dir);
        float[] canonical = new float[19];
        for (int i = 0; i < canonical.length; i++) {
            canonical[i] = 100 + i * 1.5f;
        }
        assertArrayEquals(canonical, layout.toCanonical(layout.toFileOrder(canonical)), 0f);
        float[] row = layout.toFileOrder(canonical);
        assertArrayEquals(row, layout.toFileOrder(layout.toCanonical(row)), 0f);
    }

    @Test
    void specComesFromTheLayout(@TempDir Path dir) throws Exception {
        NetworkSpec spec = tinyLayout(dir).spec(ActivationKind.TANH, new long[] {1, 5, 5}, 2, 0);
        assertEquals(2, spec.numLayers());
        assertEquals(LayerKind.CONV2D, spec.layer(0).kind());
        assertEquals(2, spec.layer(0).kernelHeight());
        assertEquals(ActivationKind.TANH, spec.layer(0).activation());
        assertEquals(LayerKind.DENSE, spec.layer(1).kind());
        assertEquals(19, spec.parameterCount());
    }

    @Test
    void tensorFlowKernelsInAStateDictConvertTheSameWay(@TempDir Path dir) throws Exception {
        SmallCnnZooLayout layout = tinyLayout(dir);
        NetworkSpec spec = layout.spec(ActivationKind.RELU, new long[] {1, 5, 5}, 2, 0);
        float[] row = new float[19];
        for (int i = 0; i < row.length; i++) {
            row[i] = i;
        }
        Map<String, NpyArray> tensors = new LinkedHashMap<>();
        tensors.put("sequential/conv2d/bias:0", NpyArray.ofFloats(new long[] {2}, slice(row, 0, 2)));
        tensors.put("sequential/conv2d/kernel:0", NpyArray.ofFloats(new long[] {2, 2, 1, 2}, slice(row, 2, 10)));
        tensors.put("sequential/dense/bias:0", NpyArray.ofFloats(new long[] {3}, slice(row, 10, 13)));
        tensors.put("sequential/dense/kernel:0", NpyArray.ofFloats(new long[] {2, 3}, slice(row, 13, 19)));
        assertArrayEquals(TINY_CANONICAL, StateDictLayout.toCanonical(tensors, spec, "tiny", "the zoo's spec"), 0f);
    }

    @Test
    void inconsistentLayoutIsReportedByVariable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("layout.csv");
        Files.writeString(file, TINY_LAYOUT.replace("13,19,6,\"(2, 3)\"", "13,19,6,\"(2, 4)\""));
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> SmallCnnZooLayout.read(file));
        assertTrue(e.getMessage().contains("sequential/dense/kernel:0"), e.getMessage());
    }

    private static SmallCnnZooLayout tinyLayout(Path dir) throws Exception {
        Path file = dir.resolve("layout.csv");
        Files.writeString(file, TINY_LAYOUT);
        return SmallCnnZooLayout.read(file);
    }

    private static float[] slice(float[] a, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from, to);
    }
}
