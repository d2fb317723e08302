package dev.orbit.datasets.zoo.cnnzoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.datasets.io.NpyArray;
import dev.orbit.datasets.testing.AllocationProbe;
import dev.orbit.datasets.zoo.statedict.StateDictLayout;
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
class CnnZooLayoutTest {

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
        CnnZooLayout layout = tinyLayout(dir);
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
        CnnZooLayout layout = tinyLayout(dir);
        float[] canonical = new float[19];
        for (int i = 0; i < canonical.length; i++) {
            canonical[i] = 100 + i * 1.5f;
        }
        float[] row = new float[19];
        layout.toFileOrder(canonical, row);
        assertArrayEquals(canonical, layout.toCanonical(row), 0f);
        float[] back = new float[19];
        layout.toFileOrder(layout.toCanonical(row), back);
        assertArrayEquals(row, back, 0f);
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
        CnnZooLayout layout = tinyLayout(dir);
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
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> CnnZooLayout.read(file, 19));
        assertTrue(e.getMessage().contains("sequential/dense/kernel:0"), e.getMessage());
    }

    /** The Small CNN Zoo's layout.csv for its 4,970-parameter network (bias before kernel, TF shapes). */
    static final String SMALL_CNN_ZOO_LAYOUT = String.join("\n",
            "varname,start_idx,end_idx,size,shape",
            "sequential/conv2d/bias:0,0,16,16,\"(16,)\"",
            "sequential/conv2d/kernel:0,16,160,144,\"(3, 3, 1, 16)\"",
            "sequential/conv2d_1/bias:0,160,176,16,\"(16,)\"",
            "sequential/conv2d_1/kernel:0,176,2480,2304,\"(3, 3, 16, 16)\"",
            "sequential/conv2d_2/bias:0,2480,2496,16,\"(16,)\"",
            "sequential/conv2d_2/kernel:0,2496,4800,2304,\"(3, 3, 16, 16)\"",
            "sequential/dense/bias:0,4800,4810,10,\"(10,)\"",
            "sequential/dense/kernel:0,4810,4970,160,\"(16, 10)\"") + "\n";

    @Test
    void layoutOfTheSmallCnnZooNetworkMatchesThePublishedOne(@TempDir Path dir) throws Exception {
        CnnZooLayout layout = CnnZooLayout.of(NetworkSpec.smallCnnZoo(ActivationKind.RELU));
        assertEquals(4970, layout.columns());
        assertEquals(SMALL_CNN_ZOO_LAYOUT, layout.toCsv());
        // Reading the published text (pandas writes an index column first, unquoted) gives the same layout.
        Path published = dir.resolve("layout.csv");
        Files.writeString(published, SMALL_CNN_ZOO_LAYOUT.replace("varname,", ",varname,")
                .replaceAll("(?m)^sequential", "0,sequential"));
        assertEquals(layout, CnnZooLayout.read(published, 4970));
        assertEquals(NetworkSpec.smallCnnZoo(ActivationKind.TANH),
                layout.spec(ActivationKind.TANH, new long[] {1, 28, 28}, 2, 0));
        // Negative control: a layer with two kernels and no bias is refused.
        Files.writeString(published, SMALL_CNN_ZOO_LAYOUT.replace("conv2d/bias:0,0,16,16,\"(16,)\"",
                "conv2d/kernel:0,0,16,16,\"(16,)\""));
        assertThrows(MalformedFileException.class, () -> CnnZooLayout.read(published, 4970));
    }

    @Test
    void tensorFlowLayoutIsWhatNfnTransposesBackToDjlLayout() {
        CnnZooLayout layout = CnnZooLayout.of(NetworkSpec.smallCnnZoo(ActivationKind.RELU));
        float[] canonical = new float[4970];
        for (int i = 0; i < canonical.length; i++) {
            canonical[i] = i;
        }
        float[] tf = new float[4970];
        layout.toFileOrder(canonical, tf);
        // NFN: kernel (h, w, in, out) -> transpose(0, 4, 3, 1, 2) with batch axis = (out, in, h, w).
        // conv2d_1/kernel:0 starts at 176, shape (3, 3, 16, 16); Orbit's W_1 starts at 144 + 16 = 160.
        int h = 2, w = 1, in = 5, out = 9;
        assertEquals(canonical[160 + ((out * 16 + in) * 3 + h) * 3 + w], tf[176 + ((h * 3 + w) * 16 + in) * 16 + out]);
        // dense/kernel:0 (in, out) at 4810 -> transpose(0, 2, 1) = DJL (out, in) at 4800.
        assertEquals(canonical[4800 + 7 * 16 + 3], tf[4810 + 3 * 10 + 7]);
        // Biases are copied: conv2d/bias:0 at 0 is Orbit's b_0 at 144.
        assertEquals(canonical[144 + 4], tf[4]);
        // Negative control: reading the kernel without NFN's transpose gives other values.
        assertFalse(canonical[160 + ((out * 16 + in) * 3 + h) * 3 + w] == tf[176 + ((out * 16 + in) * 3 + h) * 3 + w]);
        assertArrayEquals(canonical, layout.toCanonical(tf), 0f);
    }

    /**
     * A 328-byte layout.csv whose end_idx is 2e9 once made the reader allocate 2 GB (a column map of
     * the claimed size); it must be refused against the weights' real columns before any allocation.
     */
    @Test
    void aLayoutClaimingBillionsOfColumnsIsRefusedBeforeAllocating(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("layout.csv");
        Files.writeString(file, TINY_LAYOUT.replace("13,19,6,\"(2, 3)\"", "13,2000000001,1999999988,\"(2, 999999994)\""));
        assertTrue(Files.size(file) < 400);
        AllocationProbe.Result r = AllocationProbe.measure(() -> CnnZooLayout.read(file, 19));
        assertTrue(r.thrown() instanceof MalformedFileException, String.valueOf(r.thrown()));
        String message = r.thrown().getMessage();
        assertTrue(message.contains(file.toString()) && message.contains("sequential/dense/kernel:0")
                && message.contains("19 columns"), message);
        assertEquals(-1, message.indexOf('\n'));
        assertTrue(r.allocatedBytes() < 8L << 20, r.allocatedBytes() + " bytes allocated");
        // Overlapping and gapped variables are refused too, each naming the variable.
        Files.writeString(file, TINY_LAYOUT.replace("sequential/dense/bias:0,10,13", "sequential/dense/bias:0,9,12"));
        MalformedFileException overlap = assertThrows(MalformedFileException.class, () -> CnnZooLayout.read(file, 19));
        assertTrue(overlap.getMessage().contains("tile"), overlap.getMessage());
        // Negative control: the honest file reads.
        Files.writeString(file, TINY_LAYOUT);
        assertEquals(19, CnnZooLayout.read(file, 19).columns());
    }

    private static CnnZooLayout tinyLayout(Path dir) throws Exception {
        Path file = dir.resolve("layout.csv");
        Files.writeString(file, TINY_LAYOUT);
        return CnnZooLayout.read(file, 19);
    }

    private static float[] slice(float[] a, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from, to);
    }
}
