package dev.orbit.datasets.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyStreamingTest {

    private static final int COLUMNS = 13;

    @TempDir
    Path dir;

    private static float[] randomRows(int rows, SplittableRandom rng) {
        float[] v = new float[rows * COLUMNS];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    @Test
    void writerOutputReadsBackByRowRangeAndWhole() throws IOException {
        float[] all = randomRows(37, new SplittableRandom(3));
        Path f = dir.resolve("shard.npy");
        try (NpyWriter w = NpyWriter.create(f, COLUMNS)) {
            w.appendRow(Arrays.copyOfRange(all, 0, COLUMNS));
            w.appendRows(Arrays.copyOfRange(all, COLUMNS, 20 * COLUMNS));
            w.appendRows(Arrays.copyOfRange(all, 20 * COLUMNS, all.length));
            assertEquals(37, w.rows());
        }
        try (NpyReader r = NpyReader.open(f)) {
            assertEquals(37, r.rows());
            assertEquals(COLUMNS, r.columns());
            assertArrayEquals(Arrays.copyOfRange(all, 5 * COLUMNS, 15 * COLUMNS), r.readRows(5, 10), 0f);
            assertArrayEquals(Arrays.copyOfRange(all, 36 * COLUMNS, all.length), r.readRow(36), 0f);
            assertThrows(IndexOutOfBoundsException.class, () -> r.readRows(30, 8));
            assertThrows(IndexOutOfBoundsException.class, () -> r.readRow(-1));
        }
        NpyArray whole = Npy.read(f);
        assertArrayEquals(new long[] {37, COLUMNS}, whole.shape());
        assertArrayEquals(all, whole.toFloatArray(), 0f);
    }

    @Test
    void anUnclosedShardIsRejectedNotReadAsEmpty() throws IOException {
        Path f = dir.resolve("open.npy");
        try (NpyWriter w = NpyWriter.create(f, COLUMNS)) {
            w.appendRows(randomRows(4, new SplittableRandom(1)));
            MalformedFileException e = assertThrows(MalformedFileException.class, () -> NpyReader.open(f));
            assertTrue(e.getMessage().contains("(0, 13)"), e.getMessage());
        }
        try (NpyReader r = NpyReader.open(f)) {
            assertEquals(4, r.rows());
        }
    }

    @Test
    void headerHasRoomForAnyRowCount() {
        int empty = NpyHeader.encode(DType.F32, new long[] {0, COLUMNS}, 0).length;
        int full = NpyHeader.encode(DType.F32, new long[] {Long.MAX_VALUE, COLUMNS}, 0).length;
        byte[] padded = NpyHeader.encode(DType.F32, new long[] {0, COLUMNS}, full);
        assertEquals(full, padded.length);
        assertEquals(0, full % 64);
        assertTrue(empty <= full);
    }

    @Test
    void reopeningAppendsAfterTheExistingRows() throws IOException {
        SplittableRandom rng = new SplittableRandom(11);
        float[] first = randomRows(3, rng);
        float[] second = randomRows(2, rng);
        Path f = dir.resolve("grow.npy");
        try (NpyWriter w = NpyWriter.create(f, COLUMNS)) {
            w.appendRows(first);
        }
        try (NpyWriter w = NpyWriter.openForAppend(f)) {
            assertEquals(3, w.rows());
            w.appendRows(second);
        }
        float[] expected = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, expected, first.length, second.length);
        assertArrayEquals(expected, Npy.read(f).toFloatArray(), 0f);
    }

    @Test
    void readerRejectsArraysThatAreNot2dFloat32() {
        MalformedFileException e = assertThrows(MalformedFileException.class,
                () -> NpyReader.open(Golden.file("i4_2x2.npy")));
        assertTrue(e.getMessage().contains("2-D <f4"), e.getMessage());
        assertThrows(MalformedFileException.class, () -> NpyReader.open(Golden.file("f8_3.npy")));
    }

    @Test
    void readerReadsNumpyFilesAndServesNdArrays() throws IOException {
        try (NpyReader r = NpyReader.open(Golden.file("f4_2x3.npy"));
                NDManager manager = NDManager.newBaseManager()) {
            NDArray rows = r.readRows(manager, 1, 1);
            assertArrayEquals(new long[] {1, 3}, rows.getShape().getShape());
            assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f}, rows.toFloatArray(), 0f);
        }
    }

    @Test
    void numpyReadsAWriterShard() throws IOException {
        Assumptions.assumeTrue(Golden.numpyAvailable(), "python3 with NumPy is not installed");
        Path f = dir.resolve("np.npy");
        try (NpyWriter w = NpyWriter.create(f, 2)) {
            w.appendRows(new float[] {1, 2, 3, 4, 5, 6});
        }
        assertEquals("<f4 (3, 2) 21.0", Golden.python("import numpy as np; a = np.load(r'" + f + "'); "
                + "print(a.dtype.str, a.shape, float(a.sum()))"));
        assertTrue(Files.size(f) > 24);
    }
}
