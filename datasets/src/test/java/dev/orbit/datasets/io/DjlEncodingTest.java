package dev.orbit.datasets.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DJL's array encoding is read with bounds: a well-formed record round-trips, and a header that
 * declares more than the bytes behind it (rank, dimensions, byte count, model inputs) is refused
 * with the file's name instead of being allocated.
 */
class DjlEncodingTest {

    /** One record as {@code NDArray.encode} writes it (version 3, big-endian data). */
    private static byte[] record(long[] shape, float[] values, int declaredBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF("NDAR");
            out.writeInt(3);
            out.writeByte(1);
            out.writeUTF("w");
            out.writeUTF("DENSE");
            out.writeUTF("FLOAT32");
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            out.writeInt(0);
            out.writeByte('>');
            out.writeInt(declaredBytes);
            for (float v : values) {
                out.writeFloat(v);
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void aWellFormedRecordIsReadWithItsValues() throws Exception {
        float[] values = {1f, -2.5f, 3e-3f, 4f, 5f, 6f};
        byte[] prefix = {'P', 0, 1, 2}; // block metadata before the record is skipped
        byte[] rec = record(new long[] {2, 3}, values, 24);
        byte[] file = ByteBuffer.allocate(prefix.length + rec.length).put(prefix).put(rec).array();
        List<DjlEncoding.Record> records = DjlEncoding.records(file, "f.params");
        assertEquals(1, records.size());
        assertEquals("w", records.get(0).name());
        NpyArray array = records.get(0).toNpy(file).orElseThrow();
        assertArrayEquals(new long[] {2, 3}, array.shape());
        assertArrayEquals(values, array.toFloatArray(), 0f);
    }

    @Test
    void headersDeclaringMoreThanTheFileHoldsAreRefused() throws Exception {
        byte[] count = record(new long[] {1_000_000_000L}, new float[2], Integer.MAX_VALUE);
        byte[] mismatch = record(new long[] {2, 3}, new float[6], 20); // 6 floats are 24 bytes
        byte[] truncated = java.util.Arrays.copyOf(record(new long[] {2, 3}, new float[6], 24), 30);
        byte[] rank = java.util.Arrays.copyOf(record(new long[] {1}, new float[1], 4), 34);
        ByteBuffer.wrap(rank).putInt(30, 1 << 28); // the rank, after magic, version, name, sparse format, type
        for (byte[] bad : new byte[][] {count, mismatch, truncated, rank}) {
            MalformedFileException e = assertThrows(MalformedFileException.class, () -> DjlEncoding.records(bad, "x.params"));
            assertTrue(e.getMessage().startsWith("x.params "), e.getMessage());
        }
    }

    @Test
    void aFileMustHaveItsTemplatesLayoutOutsideTheData() throws Exception {
        byte[] template = record(new long[] {2}, new float[] {1f, 2f}, 8);
        byte[] otherValues = record(new long[] {2}, new float[] {7f, Float.MIN_VALUE}, 8);
        DjlEncoding.requireStructureOf(otherValues, 0, template, "f.params", "the model"); // only data differs
        byte[] otherName = otherValues.clone();
        otherName[13] = 'v'; // the array's name
        assertThrows(MalformedFileException.class,
                () -> DjlEncoding.requireStructureOf(otherName, 0, template, "f.params", "the model"));
        byte[] shorter = java.util.Arrays.copyOf(template, template.length - 1);
        MalformedFileException e = assertThrows(MalformedFileException.class,
                () -> DjlEncoding.requireStructureOf(shorter, 0, template, "f.params", "the model"));
        assertTrue(e.getMessage().contains("f.params is " + shorter.length + " bytes"), e.getMessage());
    }

    @Test
    void aModelHeaderClaimingAMillionInputsIsRefused() throws Exception {
        ByteArrayOutputStream ok = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(ok)) {
            out.writeBytes("DJL@");
            out.writeInt(1);
            out.writeUTF("metanet");
            out.writeUTF("FLOAT32");
            out.writeInt(1);
            out.writeUTF("x");
            out.writeInt(2);
            out.writeLong(1);
            out.writeLong(-1);
            out.writeInt(0);
            out.writeInt(1);
            out.writeUTF("Epoch");
            out.writeUTF("0");
        }
        byte[] header = ok.toByteArray();
        assertEquals(header.length, DjlEncoding.modelHeaderLength(header, "m.params"));
        byte[] bomb = header.clone();
        ByteBuffer.wrap(bomb).putInt(4 + 4 + 9 + 9, 1_000_000);
        MalformedFileException e = assertThrows(MalformedFileException.class,
                () -> DjlEncoding.modelHeaderLength(bomb, "m.params"));
        assertTrue(e.getMessage().contains("m.params declares 1000000 model inputs"), e.getMessage());
    }
}
