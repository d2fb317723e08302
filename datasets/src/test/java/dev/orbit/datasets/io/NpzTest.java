package dev.orbit.datasets.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.orbit.datasets.testing.AllocationProbe;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {

    @TempDir
    Path dir;

    private static Map<String, NpyArray> randomArrays(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        for (DType t : DType.values()) {
            arrays.put("a_" + t.name().toLowerCase(), NpyTest.randomArray(t, rng));
        }
        return arrays;
    }

    @Test
    void roundTripsStoredAndCompressed() throws IOException {
        Map<String, NpyArray> arrays = randomArrays(5);
        for (boolean compressed : List.of(false, true)) {
            Path f = dir.resolve("a" + compressed + ".npz");
            Npz.write(f, arrays, compressed);
            Map<String, NpyArray> back = Npz.read(f);
            assertEquals(arrays, back);
            assertEquals(List.copyOf(arrays.keySet()), List.copyOf(back.keySet()), "archive order kept");
        }
        assertNotEquals(arrays, randomArrays(6), "negative control: other seeds give other arrays");
    }

    @Test
    void readsNumpySavezAndSavezCompressed() throws IOException {
        for (String name : List.of("arrays.npz", "arrays_compressed.npz")) {
            Map<String, NpyArray> a = Npz.read(Golden.file(name));
            assertEquals(Npy.read(Golden.file("f4_2x3.npy")), a.get("weights"), name);
            assertArrayEquals(new long[] {1, 2, 3}, a.get("steps").toLongArray(), name);
        }
    }

    @Test
    void djlDecodesWhatOrbitWrites() throws IOException {
        Path f = dir.resolve("djl.npz");
        NpyArray w = NpyArray.ofFloats(new long[] {2, 2}, new float[] {1, -2, 3, 0.5f});
        Npz.write(f, Map.of("w", w));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList list = NDList.decode(manager, Files.readAllBytes(f));
            assertEquals(1, list.size());
            assertEquals(w, NpyArray.fromNDArray(list.get(0)));
        }
    }

    @Test
    void rejectsTruncatedArchives() throws IOException {
        Path f = Golden.copy("arrays.npz", dir);
        try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
            c.truncate(c.size() / 2);
        }
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Npz.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void rejectsAnEntryWhoseHeaderClaimsMoreThanItHolds() throws IOException {
        Path f = dir.resolve("liar.npz");
        for (int method : new int[] {ZipEntry.DEFLATED, ZipEntry.STORED}) {
            byte[] content = NpyTest.concat(NpyHeader.encode(DType.F32, new long[] {100_000, 4970}, 0), new byte[8]);
            try (OutputStream out = Files.newOutputStream(f); ZipOutputStream zip = new ZipOutputStream(out)) {
                ZipEntry entry = new ZipEntry("weights.npy");
                entry.setMethod(method);
                if (method == ZipEntry.STORED) {
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(content);
                    entry.setSize(content.length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(content);
                zip.closeEntry();
            }
            AllocationProbe.Result r = AllocationProbe.measure(() -> Npz.read(f));
            MalformedFileException e = assertInstanceOf(MalformedFileException.class, r.thrown());
            assertTrue(e.getMessage().contains("liar.npz!weights.npy") && e.getMessage().contains("(100000, 4970)"),
                    e.getMessage());
            assertTrue(r.allocatedBytes() < 16 << 20, "allocated " + r.allocatedBytes() + " bytes");
        }
    }

    @Test
    void theDataBudgetCoversAllEntriesTogether() throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("a", NpyArray.ofFloats(new long[] {4}, new float[4]));
        arrays.put("b", NpyArray.ofFloats(new long[] {4}, new float[4]));
        Path f = dir.resolve("two.npz");
        Npz.write(f, arrays, true);
        assertEquals(arrays.keySet(), Npz.read(f, 32).keySet());
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Npz.read(f, 31));
        assertTrue(e.getMessage().startsWith(f + "!b.npy declares shape (4,) of <f4 (16 bytes) but at most 15 bytes"),
                e.getMessage());
    }

    @Test
    void readsNoMoreOfAnEntryThanItsHeaderDeclares() throws IOException {
        // The header says 2 floats; 64 MiB of zeros follow in the deflated stream.
        Path f = dir.resolve("tail.npz");
        try (OutputStream out = Files.newOutputStream(f); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("w.npy"));
            zip.write(NpyHeader.encode(DType.F32, new long[] {2}, 0));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        AllocationProbe.Result r = AllocationProbe.measure(() -> Npz.read(f));
        MalformedFileException e = assertInstanceOf(MalformedFileException.class, r.thrown());
        assertTrue(e.getMessage().contains("tail.npz!w.npy"), e.getMessage());
        assertTrue(r.allocatedBytes() < 8 << 20, "allocated " + r.allocatedBytes() + " bytes");
    }

    @Test
    void rejectsMoreEntriesThanAnyStateDictHolds() throws IOException {
        Path f = dir.resolve("many.npz");
        byte[] empty = NpyHeader.encode(DType.F32, new long[] {0}, 0);
        try (OutputStream out = Files.newOutputStream(f); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i <= 4096; i++) {
                zip.putNextEntry(new ZipEntry("t" + i + ".npy"));
                zip.write(empty);
                zip.closeEntry();
            }
        }
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Npz.read(f));
        assertTrue(e.getMessage().startsWith(f + " holds 4097 entries"), e.getMessage());
    }

    @Test
    void rejectsEntriesThatAreNotNpy() throws IOException {
        Path f = dir.resolve("other.npz");
        try (OutputStream out = Files.newOutputStream(f); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("notes.txt"));
            zip.write("hello".getBytes());
            zip.closeEntry();
        }
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Npz.read(f));
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
    }
}
