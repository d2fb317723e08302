package dev.orbit.datasets.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.testing.AllocationProbe;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @TempDir
    Path dir;

    static NpyArray randomArray(DType dtype, SplittableRandom rng) {
        int rank = rng.nextInt(4);
        long[] shape = new long[rank];
        int n = 1;
        for (int i = 0; i < rank; i++) {
            shape[i] = 1 + rng.nextInt(5);
            n *= (int) shape[i];
        }
        byte[] bytes = new byte[n * dtype.byteSize()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) rng.nextInt(256);
        }
        return NpyArray.of(dtype, shape, ByteBuffer.wrap(bytes));
    }

    @Test
    void roundTripsEveryDtypeAndRank() throws IOException {
        SplittableRandom rng = new SplittableRandom(7);
        for (DType dtype : DType.values()) {
            for (int trial = 0; trial < 5; trial++) {
                NpyArray a = randomArray(dtype, rng);
                Path f = dir.resolve(dtype + "_" + trial + ".npy");
                Npy.write(f, a);
                NpyArray back = Npy.read(f);
                assertEquals(a, back, "round trip of " + a);
                assertEquals(0, (Files.size(f) - a.data().remaining()) % 64, "data starts 64-byte aligned");
            }
        }
    }

    @Test
    void equalityDetectsAOneByteChange() {
        // Negative control for the round-trip assertion: equals must see a single flipped byte.
        NpyArray a = NpyArray.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4});
        NpyArray b = NpyArray.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, Math.nextUp(4f)});
        NpyArray c = NpyArray.ofFloats(new long[] {4}, new float[] {1, 2, 3, 4});
        assertNotEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void readsNumpyWrittenFilesOfEveryDtype() throws IOException {
        NpyArray f4 = Npy.read(Golden.file("f4_2x3.npy"));
        assertArrayEquals(new long[] {2, 3}, f4.shape());
        assertArrayEquals(new float[] {-0.5f, -0.25f, 0f, 0.25f, 0.5f, 0.75f}, f4.toFloatArray(), 0f);
        assertArrayEquals(new double[] {1.5, -2.25, 1e300}, Npy.read(Golden.file("f8_3.npy")).toDoubleArray(), 0);
        assertArrayEquals(new int[] {1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE},
                Npy.read(Golden.file("i4_2x2.npy")).toIntArray());
        assertArrayEquals(new long[] {1L << 40, -3}, Npy.read(Golden.file("i8_2.npy")).toLongArray());
        NpyArray u1 = Npy.read(Golden.file("u1_2x2x2.npy"));
        assertEquals(DType.U8, u1.dtype());
        assertArrayEquals(new long[] {2, 2, 2}, u1.shape());
        assertArrayEquals(new byte[] {0, 1, 2, 127, (byte) 128, (byte) 200, (byte) 254, (byte) 255}, u1.toByteArray());
        NpyArray scalar = Npy.read(Golden.file("f4_scalar.npy"));
        assertEquals(0, scalar.rank());
        assertArrayEquals(new float[] {3.5f}, scalar.toFloatArray(), 0f);
    }

    @Test
    void readsFormatVersion2Headers() throws IOException {
        assertEquals(Npy.read(Golden.file("f4_2x3.npy")), Npy.read(Golden.file("f4_2x3_v2.npy")));
    }

    @Test
    void rejectsFortranOrderWithAClearMessage() {
        MalformedFileException e = assertThrows(MalformedFileException.class,
                () -> Npy.read(Golden.file("f4_2x3_fortran.npy")));
        assertTrue(e.getMessage().contains("f4_2x3_fortran.npy") && e.getMessage().contains("Fortran"), e.getMessage());
    }

    @Test
    void rejectsBigEndianWithAClearMessage() {
        MalformedFileException e = assertThrows(MalformedFileException.class,
                () -> Npy.read(Golden.file("f4_3_bigendian.npy")));
        assertTrue(e.getMessage().contains("'>f4'") && e.getMessage().contains("little-endian"), e.getMessage());
    }

    @Test
    void rejectsTruncatedAndOverlongFiles() throws IOException {
        Path truncated = Golden.copy("f4_2x3.npy", dir);
        try (FileChannel c = FileChannel.open(truncated, StandardOpenOption.WRITE)) {
            c.truncate(c.size() - 4);
        }
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Npy.read(truncated));
        assertTrue(e.getMessage().contains(truncated.toString()) && e.getMessage().contains("(24 bytes)")
                && e.getMessage().contains("holds 20 bytes"), e.getMessage());

        Path overlong = dir.resolve("overlong.npy");
        Files.write(overlong, concat(Files.readAllBytes(Golden.file("f4_2x3.npy")), new byte[4]));
        assertThrows(MalformedFileException.class, () -> Npy.read(overlong));
    }

    @Test
    void rejectsAHugeShapeClaimBeforeAllocating() throws IOException {
        // ~1.99 GB claimed: allocatable under the test heap, so only the up-front check prevents it.
        Path liar = dir.resolve("liar.npy");
        Files.write(liar, concat(NpyHeader.encode(DType.F32, new long[] {100_000, 4970}, 0), new byte[16]));
        AllocationProbe.Result r = AllocationProbe.measure(() -> Npy.read(liar));
        MalformedFileException e = assertInstanceOf(MalformedFileException.class, r.thrown());
        assertTrue(e.getMessage().contains("(100000, 4970)") && e.getMessage().contains("holds 16 bytes"), e.getMessage());
        assertTrue(r.allocatedBytes() < 16 << 20, "allocated " + r.allocatedBytes() + " bytes");
    }

    @Test
    void rejectsAHeaderLengthBeyondTheFile() throws IOException {
        byte[] header = NpyHeader.encode(DType.F32, new long[] {1}, 0);
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short) 60_000);
        Path f = dir.resolve("longheader.npy");
        Files.write(f, concat(header, new byte[4]));
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("60000"), e.getMessage());
    }

    @Test
    void rejectsNonNpyFilesAndMalformedDicts() throws IOException {
        Path zip = Golden.file("arrays.npz");
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Npy.read(zip));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());

        byte[] bad = NpyHeader.encode(DType.F32, new long[] {1}, 0);
        byte[] text = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, -2), }".getBytes();
        System.arraycopy(text, 0, bad, 10, text.length);
        Path f = dir.resolve("bad.npy");
        Files.write(f, concat(bad, new byte[4]));
        e = assertThrows(MalformedFileException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("malformed .npy header"), e.getMessage());
    }

    @Test
    void numpyReadsWhatOrbitWrites() throws IOException {
        Assumptions.assumeTrue(Golden.numpyAvailable(), "python3 with NumPy is not installed");
        Path f = dir.resolve("orbit.npy");
        Npy.write(f, NpyArray.ofLongs(new long[] {2, 2}, new long[] {1, -2, 3, 1L << 40}));
        String out = Golden.python("import numpy as np; a = np.load(r'" + f + "'); "
                + "print(a.dtype.str, a.shape, a.ravel().tolist())");
        assertEquals("<i8 (2, 2) [1, -2, 3, 1099511627776]", out);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
