package dev.orbit.datasets.zoo.statedict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.datasets.io.NpyArray;
import dev.orbit.datasets.io.Npz;
import dev.orbit.datasets.io.SafeTensors;
import dev.orbit.datasets.testing.AllocationProbe;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDictFileTest {

    @TempDir
    Path dir;

    /** A valid .npz whose one float32 vector of {@code floats} zeros deflates about a thousandfold. */
    static Path compressedZeros(Path file, long floats) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + floats + ",), }";
        int padded = (dict.length() + 11 + 63) / 64 * 64 - 10;
        byte[] header = (dict + " ".repeat(padded - dict.length() - 1) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("0.weight.npy"));
            zip.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) padded, (byte) (padded >> 8)});
            zip.write(header);
            byte[] zeros = new byte[1 << 20];
            for (long left = floats * Float.BYTES; left > 0; left -= zeros.length) {
                zip.write(zeros, 0, (int) Math.min(left, zeros.length));
            }
            zip.closeEntry();
        }
        return file;
    }

    @Test
    void anArchiveOfCompressedZerosIsRefusedBeforeItIsInflated() throws IOException {
        // 64 MiB of zeros in a ~64 KiB file: more than MAX_PARAMETERS float64 parameters (32 MiB).
        Path bomb = compressedZeros(dir.resolve("bomb.npz"), 16L << 20);
        assertTrue(Files.size(bomb) < 1 << 20, "the bomb is small: " + Files.size(bomb));
        AllocationProbe.Result r = AllocationProbe.measure(() -> StateDictFile.read(bomb));
        MalformedFileException e = assertInstanceOf(MalformedFileException.class, r.thrown());
        assertTrue(e.getMessage().startsWith(bomb + "!0.weight.npy declares shape (16777216,)"), e.getMessage());
        assertTrue(r.allocatedBytes() < 8 << 20, "allocated " + r.allocatedBytes() + " bytes");
    }

    @Test
    void theArchitectureBoundsWhatAFileMayDeclare() throws IOException {
        Map<String, NpyArray> tensors = new LinkedHashMap<>();
        tensors.put("0.weight", NpyArray.ofFloats(new long[] {3, 4}, new float[12]));
        tensors.put("0.bias", NpyArray.ofDoubles(new long[] {3}, new double[3]));
        Path npz = dir.resolve("net.npz");
        Npz.write(npz, tensors, true);
        Path st = dir.resolve("net.safetensors");
        SafeTensors.write(st, tensors, Map.of());
        for (Path file : new Path[] {npz, st}) {
            // 12 float32 + 3 float64 = 72 bytes: within 15 parameters at 8 bytes, not within 8 parameters.
            assertEquals(tensors.keySet(), StateDictFile.read(file, 15).keySet());
            AllocationProbe.Result r = AllocationProbe.measure(() -> StateDictFile.read(file, 8));
            MalformedFileException e = assertInstanceOf(MalformedFileException.class, r.thrown());
            assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("but at most "),
                    e.getMessage());
        }
    }
}
