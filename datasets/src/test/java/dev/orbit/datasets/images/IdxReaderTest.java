package dev.orbit.datasets.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.datasets.testing.AllocationProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rng.nextInt(256);
        }
        return b;
    }

    @Test
    void readsRawAndGzippedImagesAlike() throws IOException {
        byte[] pixels = randomBytes(3 * 4 * 5, 1);
        Path raw = IdxFiles.raw(dir.resolve("images-idx3-ubyte"), new int[] {3, 4, 5}, pixels);
        // The .gz is detected by magic, so give it a misleading name on purpose.
        Path gz = IdxFiles.gzip(dir.resolve("images.raw"), Files.readAllBytes(raw));
        for (Path f : new Path[] {raw, gz}) {
            IdxArray a = IdxReader.readImages(f);
            assertArrayEquals(new int[] {3, 4, 5}, a.dims(), f.toString());
            assertArrayEquals(pixels, a.copyData(), f.toString());
            assertEquals(pixels[7] & 0xff, a.unsigned(7));
        }
    }

    @Test
    void readsLabelsAsUnsigned() throws IOException {
        Path f = IdxFiles.raw(dir.resolve("labels"), new int[] {4}, new byte[] {0, 9, (byte) 200, (byte) 255});
        assertArrayEquals(new int[] {0, 9, 200, 255}, IdxReader.readLabels(f));
    }

    @Test
    void rejectsTruncatedRawFilesBeforeAllocating() throws IOException {
        Path f = IdxFiles.raw(dir.resolve("short"), new int[] {60_000, 28, 28}, new byte[10]);
        AllocationProbe.Result r = AllocationProbe.measure(() -> IdxReader.readImages(f));
        MalformedFileException e = assertInstanceOf(MalformedFileException.class, r.thrown());
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("47040000 bytes")
                && e.getMessage().contains("holds 10 bytes"), e.getMessage());
        assertTrue(r.allocatedBytes() < 4 << 20, "allocated " + r.allocatedBytes());
    }

    @Test
    void rejectsTruncatedGzipDataWithoutAllocatingTheClaim() throws IOException {
        Path f = IdxFiles.gzip(dir.resolve("short.gz"), IdxFiles.encode(new int[] {60_000, 28, 28}, new byte[100]));
        AllocationProbe.Result r = AllocationProbe.measure(() -> IdxReader.readImages(f));
        MalformedFileException e = assertInstanceOf(MalformedFileException.class, r.thrown());
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("47040000"), e.getMessage());
        assertTrue(r.allocatedBytes() < 8 << 20, "allocated " + r.allocatedBytes());
    }

    @Test
    void rejectsACutGzipStream() throws IOException {
        byte[] content = IdxFiles.encode(new int[] {50, 8, 8}, randomBytes(50 * 64, 2));
        Path whole = IdxFiles.gzip(dir.resolve("whole.gz"), content);
        byte[] gz = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> IdxReader.readImages(cut));
        assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
        assertEquals(50, IdxReader.readImages(whole).dim(0), "positive control: the uncut stream reads");
    }

    @Test
    void rejectsTrailingData() throws IOException {
        byte[] content = IdxFiles.encode(new int[] {2}, new byte[] {1, 2});
        byte[] longer = Arrays.copyOf(content, content.length + 1);
        Path raw = Files.write(dir.resolve("long"), longer);
        Path gz = IdxFiles.gzip(dir.resolve("long.gz"), longer);
        assertThrows(MalformedFileException.class, () -> IdxReader.readLabels(raw));
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> IdxReader.readLabels(gz));
        assertTrue(e.getMessage().contains("more data than its IDX header"), e.getMessage());
    }

    @Test
    void rejectsWrongMagicTypeAndRank() throws IOException {
        Path npy = Files.write(dir.resolve("x.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> IdxReader.read(npy));
        assertTrue(e.getMessage().contains("not an IDX file") && e.getMessage().contains("93 4e 55 4d"), e.getMessage());

        byte[] floats = IdxFiles.encode(new int[] {1}, new byte[4]);
        floats[2] = 0x0D;
        Path f = Files.write(dir.resolve("floats"), floats);
        e = assertThrows(MalformedFileException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains("0x0d"), e.getMessage());

        Path labels = IdxFiles.raw(dir.resolve("labels"), new int[] {2}, new byte[2]);
        e = assertThrows(MalformedFileException.class, () -> IdxReader.readImages(labels));
        assertTrue(e.getMessage().contains("1 IDX dimensions but 3"), e.getMessage());

        Path zero = IdxFiles.raw(dir.resolve("zero"), new int[] {0, 28, 28}, new byte[0]);
        assertThrows(MalformedFileException.class, () -> IdxReader.readImages(zero));
    }

    @Test
    void rejectsDimensionsBeyondOneArray() throws IOException {
        Path f = IdxFiles.raw(dir.resolve("huge"), new int[] {Integer.MAX_VALUE, 28, 28}, new byte[0]);
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("what one in-memory array holds"), e.getMessage());
    }
}
