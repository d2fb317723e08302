package dev.orbit.datasets.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.orbit.datasets.testing.AllocationProbe;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsEveryDtypeWithMetadata() throws IOException {
        SplittableRandom rng = new SplittableRandom(17);
        Map<String, NpyArray> tensors = new LinkedHashMap<>();
        for (DType t : DType.values()) {
            tensors.put("layer." + t.name().toLowerCase(), NpyTest.randomArray(t, rng));
        }
        Path f = dir.resolve("model.safetensors");
        SafeTensors.write(f, tensors, Map.of("format", "pt", "note", "<ünïcode & html>"));
        assertEquals(tensors, SafeTensors.read(f));
        assertEquals(Map.of("format", "pt", "note", "<ünïcode & html>"), SafeTensors.metadata(f));
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "header padded to 8 bytes");
    }

    @Test
    void readsAFileWrittenFromTheSpecByPython() throws IOException {
        try (SafeTensorsReader r = SafeTensorsReader.open(Golden.file("tensors.safetensors"))) {
            assertEquals(List.of("conv.bias", "conv.weight", "mask", "step"), r.names());
            assertEquals(Map.of("format", "pt", "source", "generate_golden.py"), r.metadata());
            float[] w = r.read("conv.weight").toFloatArray();
            for (int i = 0; i < 12; i++) {
                assertEquals(i / 8f, w[i], 0f);
            }
            assertArrayEquals(new long[] {2, 1, 2, 3}, r.info("conv.weight").shape());
            assertArrayEquals(new float[] {-1, 1}, r.read("conv.bias").toFloatArray(), 0f);
            assertArrayEquals(new long[] {7}, r.read("step").toLongArray());
            assertArrayEquals(new byte[] {0, (byte) 255, 1, (byte) 128}, r.read("mask").toByteArray());
            NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> r.info("fc.weight"));
            assertTrue(e.getMessage().contains("conv.bias"), e.getMessage());
        }
    }

    @Test
    void interoperatesWithDjlNdListEncoding() throws IOException {
        Path ours = dir.resolve("ours.safetensors");
        new SafeTensorsWriter()
                .putFloats("w", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6})
                .put("n", NpyArray.ofLongs(new long[] {1}, new long[] {42}))
                .putMetadata("format", "pt")
                .write(ours);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList decoded = NDList.decode(manager, Files.readAllBytes(ours));
            assertEquals(SafeTensors.read(ours), SafeTensors.fromNDList(decoded));

            NDList list = SafeTensors.toNDList(SafeTensors.read(ours), manager);
            Path theirs = dir.resolve("theirs.safetensors");
            Files.write(theirs, list.encode(NDList.Encoding.SAFETENSORS));
            assertEquals(SafeTensors.read(ours), SafeTensors.read(theirs));
            try (SafeTensorsReader r = SafeTensorsReader.open(theirs)) {
                assertEquals("w", r.read("w", manager).getName());
            }
        }
    }

    @Test
    void readingOneTensorDoesNotReadTheOthers() throws IOException {
        Path f = dir.resolve("big.safetensors");
        new SafeTensorsWriter()
                .putFloats("big", new long[] {8 << 20}, new float[8 << 20])
                .putFloats("small", new long[] {4}, new float[] {1, 2, 3, 4})
                .write(f);
        try (SafeTensorsReader r = SafeTensorsReader.open(f)) {
            AllocationProbe.Result small = AllocationProbe.measure(() -> r.read("small"));
            AllocationProbe.Result big = AllocationProbe.measure(() -> r.read("big"));
            assertTrue(small.allocatedBytes() < 1 << 20, "small read allocated " + small.allocatedBytes());
            // Negative control: the probe does see a read of the 32 MB tensor.
            assertTrue(big.allocatedBytes() >= 32 << 20, "big read allocated " + big.allocatedBytes());
        }
    }

    @Test
    void rejectsHeaderLengthsBeyondTheFile() throws IOException {
        assertRejected(rawFile(1L << 62, "{}", new byte[0]), "claims a safetensors header of 4611686018427387904");
        assertRejected(rawFile(500, "{}", new byte[0]), "claims a safetensors header of 500");
        Path tiny = Files.write(dir.resolve("tiny.safetensors"), new byte[] {1, 2, 3});
        assertRejected(tiny, "too short");
    }

    @Test
    void rejectsAHugeTensorClaimBeforeAllocating() throws IOException {
        Path f = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[100000,4970],\"data_offsets\":[0,1988000000]}}", new byte[16]);
        AllocationProbe.Result r = AllocationProbe.measure(() -> SafeTensors.read(f));
        MalformedFileException e = assertInstanceOf(MalformedFileException.class, r.thrown());
        assertTrue(e.getMessage().contains("data_offsets [0, 1988000000]"), e.getMessage());
        assertTrue(r.allocatedBytes() < 16 << 20, "allocated " + r.allocatedBytes());
    }

    @Test
    void rejectsAHeaderOfEmptyTensorsLongerThanTheTensorLimitNeedsBeforeReadingIt() throws IOException {
        // 6 MiB of zero-byte tensors: within the reference's 100 MB limit, beyond 4,096 entries.
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; json.length() < 6 << 20; i++) {
            json.append(i == 0 ? "" : ",").append(entry("t" + i, "F32", "[0]", 0, 0).substring(1));
        }
        Path f = file(json.append('}').toString(), new byte[0]);
        AllocationProbe.Result r = AllocationProbe.measure(() -> SafeTensors.read(f));
        MalformedFileException e = assertInstanceOf(MalformedFileException.class, r.thrown());
        assertTrue(e.getMessage().startsWith(f + " claims a safetensors header of "), e.getMessage());
        assertTrue(r.allocatedBytes() < 1 << 20, "allocated " + r.allocatedBytes());
    }

    @Test
    void rejectsMoreTensorsThanAnyStateDictHolds() throws IOException {
        for (int count : new int[] {4096, 4097}) {
            StringBuilder json = new StringBuilder("{");
            for (int i = 0; i < count; i++) {
                json.append(i == 0 ? "" : ",").append(entry("t" + i, "F32", "[0]", 0, 0).substring(1));
            }
            Path f = file(json.append('}').toString(), new byte[0]);
            if (count == 4096) {
                assertEquals(count, SafeTensors.read(f).size()); // negative control: the limit itself reads
            } else {
                assertRejected(f, "declares more than 4096 tensors");
            }
        }
    }

    @Test
    void rejectsATensorNamedTwice() throws IOException {
        assertRejected(file(entry("a", "F32", "[1]", 0, 4) + "," + entry("a", "F32", "[1]", 4, 8).substring(1) + "}",
                new byte[8]), "names 'a' twice");
    }

    @Test
    void rejectsOffsetsInconsistentWithShapesOrEachOther() throws IOException {
        byte[] data = new byte[16];
        assertRejected(file(entry("a", "F32", "[2]", 0, 12) + "}", data), "(2,) of F32 (8 bytes) but data_offsets span 12");
        assertRejected(file(entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12).substring(1)
                + "}", new byte[12]), "overlaps");
        assertRejected(file(entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[2]", 8, 16).substring(1)
                + "}", data), "gap");
        assertRejected(file(entry("a", "F32", "[2]", 0, 8) + "}", data), "cover only 8 bytes");
        assertRejected(file(entry("a", "F32", "[2]", 8, 0) + "}", data), "begin <= end");
        assertRejected(file(entry("a", "F32", "[-2]", 0, 8) + "}", data), "non-negative integers");
        assertRejected(file(entry("a", "F32", "[4611686018427387904, 4]", 0, 16) + "}", data), "overflowing");
    }

    @Test
    void rejectsBadJsonUnknownDtypesAndNonStringMetadata() throws IOException {
        assertRejected(file("{\"a\":", new byte[0]), "not valid JSON");
        assertRejected(file("[1, 2]", new byte[0]), "does not start with '{'");
        assertRejected(file(entry("a", "BF16", "[2]", 0, 4) + "}", new byte[4]), "BF16");
        assertRejected(file("{\"__metadata__\":{\"epoch\":3}}", new byte[0]), "'epoch' whose value is not a string");
    }

    @Test
    void acceptsAValidHandBuiltFile() throws IOException {
        // Positive control for the rejection tests: the same builder makes a file that reads.
        Path f = file(entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "U8", "[]", 8, 9).substring(1) + "}",
                new byte[9]);
        assertEquals(List.of("a", "b"), List.copyOf(SafeTensors.read(f).keySet()));
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "{\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":["
                + begin + "," + end + "]}";
    }

    private int counter;

    private Path file(String json, byte[] data) throws IOException {
        return rawFile(json.getBytes(StandardCharsets.UTF_8).length, json, data);
    }

    private Path rawFile(long declaredLength, String json, byte[] data) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(header).put(data);
        return Files.write(dir.resolve("hand" + counter++ + ".safetensors"), b.array());
    }

    private static void assertRejected(Path f, String expectedFragment) {
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains(expectedFragment), e.getMessage());
    }
}
