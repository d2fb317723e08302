package dev.orbit.datasets.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * DJL's binary encodings, read with bounds: arrays ({@code NDArray.encode}, inside {@code .params}
 * and {@code .ndlist} files) and the header {@code Model.save} puts before a block's parameters.
 * DJL's own decoder allocates whatever a header declares (a rank, a byte count, a count of input
 * shapes) before it reads the data, so a 30-byte file can ask for gigabytes. These readers work on
 * bytes already in memory and check every declared size against the bytes that follow before
 * anything is allocated.
 *
 * <p>An array record: {@code writeUTF("NDAR")}, an int version (1 to 3), from version 2 a name flag
 * byte (and the name), the sparse format and the data type as UTF strings, the shape (int rank, a
 * long per dimension, int layout length, a char per layout letter), from version 3 a byte-order
 * byte, then an int byte count and the data.
 */
public final class DjlEncoding {

    /** {@code writeUTF("NDAR")}: the two-byte length, then the magic of every encoded array. */
    private static final byte[] MAGIC = {0, 4, 'N', 'D', 'A', 'R'};
    /** More dimensions than any weight tensor has: a larger rank is a corrupt or hostile header. */
    private static final int MAX_RANK = 16;
    /** More model inputs or properties than a saved model has: a corrupt or hostile header. */
    private static final int MAX_ENTRIES = 1024;

    private DjlEncoding() {}

    /**
     * One encoded array's header and where its data lies.
     *
     * @param name the array's name, or null
     * @param dataType DJL's data type name (FLOAT32, ...)
     * @param shape the declared dimensions
     * @param start offset of the record's first byte
     * @param dataStart offset of the data's first byte
     * @param dataLength the data's byte count, checked against the shape and the bytes available
     * @param bigEndian the data's byte order
     */
    public record Record(String name, String dataType, long[] shape, int start, int dataStart, int dataLength,
            boolean bigEndian) {

        /** Offset just past the record. */
        public int end() {
            return dataStart + dataLength;
        }

        /** The array as an {@link NpyArray}, or empty when its data type has no {@link DType}. */
        public Optional<NpyArray> toNpy(byte[] bytes) {
            Optional<DType> dtype = Arrays.stream(DType.values())
                    .filter(t -> t.djlType().name().equals(dataType)).findFirst();
            if (dtype.isEmpty()) {
                return Optional.empty();
            }
            ByteBuffer in = ByteBuffer.wrap(bytes, dataStart, dataLength).slice()
                    .order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            ByteBuffer le = ByteBuffer.allocate(dataLength).order(ByteOrder.LITTLE_ENDIAN);
            int size = dtype.get().byteSize();
            for (int i = 0; i < dataLength; i += size) {
                switch (size) {
                    case 8 -> le.putLong(in.getLong(i));
                    case 4 -> le.putInt(in.getInt(i));
                    default -> le.put(in.get(i));
                }
            }
            le.flip();
            return Optional.of(NpyArray.wrap(dtype.get(), shape, le));
        }
    }

    /**
     * Every array record in {@code bytes}, in order, found by the encoding's magic: the bytes between
     * records (a block's metadata, parameter names) are skipped, a record's data is never searched.
     *
     * @param source the file, for messages
     * @throws MalformedFileException when a record's header is inconsistent or runs past the end
     */
    public static List<Record> records(byte[] bytes, String source) throws MalformedFileException {
        List<Record> out = new ArrayList<>();
        int pos = 0;
        while ((pos = indexOf(bytes, pos)) >= 0) {
            Record r = record(bytes, pos, source);
            out.add(r);
            pos = r.end();
        }
        return out;
    }

    /**
     * Requires {@code file[offset..]} to have exactly the structure of {@code template}, an encoding
     * Orbit has just written for the same block: the same length, and the same bytes everywhere
     * except inside the arrays' data (block metadata, parameter names, shapes, data types). DJL may
     * then decode the file: it declares no size the template did not.
     *
     * @param offset where the block's encoding starts in the file (after a model header)
     * @param what what the file should hold, for messages ("the nfn-hnp model's parameters")
     * @throws MalformedFileException naming the file and the first difference
     */
    public static void requireStructureOf(byte[] file, int offset, byte[] template, String source, String what)
            throws MalformedFileException {
        if (file.length - offset != template.length) {
            throw new MalformedFileException(source + " is " + file.length + " bytes; expected " + (offset + template.length)
                    + " for " + what + " (truncated, or written for another model).");
        }
        int pos = 0;
        for (Record r : records(template, "the template")) {
            requireEqual(file, offset, template, pos, r.dataStart(), source, what);
            pos = r.end();
        }
        requireEqual(file, offset, template, pos, template.length, source, what);
    }

    private static void requireEqual(byte[] file, int offset, byte[] template, int from, int to, String source,
            String what) throws MalformedFileException {
        int mismatch = Arrays.mismatch(file, offset + from, offset + to, template, from, to);
        if (mismatch >= 0) {
            throw new MalformedFileException(source + " does not have the layout of " + what + " at byte "
                    + (offset + from + mismatch) + " (corrupt, or written for another model).");
        }
    }

    /**
     * The length of the header {@code Model.save} writes before the block's parameters: {@code DJL@},
     * a version, the model's name and data type, named input shapes and string properties.
     *
     * @throws MalformedFileException when the header is not DJL's or runs past the end
     */
    public static int modelHeaderLength(byte[] bytes, String source) throws MalformedFileException {
        Cursor c = new Cursor(bytes, 0, source);
        c.need(4);
        if (bytes[0] != 'D' || bytes[1] != 'J' || bytes[2] != 'L' || bytes[3] != '@') {
            throw new MalformedFileException(source + " does not start with DJL@; it is not a DJL model file.");
        }
        c.skip(4);
        int version = c.readInt();
        if (version != 1) {
            throw c.malformed("model file version " + version + " (DJL writes 1)");
        }
        c.readUtf(); // model name
        c.readUtf(); // data type
        int inputs = c.readInt();
        if (inputs < 0 || inputs > MAX_ENTRIES) {
            throw c.malformed(inputs + " model inputs");
        }
        for (int i = 0; i < inputs; i++) {
            c.readUtf();
            shape(c);
        }
        int properties = c.readInt();
        if (properties < 0 || properties > MAX_ENTRIES) {
            throw c.malformed(properties + " model properties");
        }
        for (int i = 0; i < 2 * properties; i++) {
            c.readUtf();
        }
        return c.pos;
    }

    private static Record record(byte[] bytes, int start, String source) throws MalformedFileException {
        Cursor c = new Cursor(bytes, start + MAGIC.length, source);
        int version = c.readInt();
        if (version < 1 || version > 3) {
            throw c.malformed("an array encoding version " + version + " (DJL writes 1 to 3)");
        }
        String name = null;
        if (version > 1 && c.readByte() == 1) {
            name = c.readUtf();
        }
        c.readUtf(); // sparse format
        String dataType = c.readUtf();
        long[] shape = shape(c);
        long elements = 1;
        for (long d : shape) {
            if (d < 0 || d != 0 && elements > Long.MAX_VALUE / d) {
                throw c.malformed("an array of shape " + Arrays.toString(shape));
            }
            elements *= d;
        }
        boolean bigEndian = version > 2 ? c.readByte() == '>' : ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;
        int length = c.readInt();
        if (length < 0 || length > bytes.length - c.pos) {
            throw c.malformed("an array of " + length + " bytes with " + (bytes.length - c.pos) + " left in the file");
        }
        Integer elementSize = elementSize(dataType);
        if (elementSize != null && elements * elementSize != length) {
            throw c.malformed("shape " + Arrays.toString(shape) + " of " + dataType + " with " + length + " data bytes");
        }
        return new Record(name, dataType, shape, start, c.pos, length, bigEndian);
    }

    /** A shape as {@code Shape.encode} writes it: rank, dimensions, layout letters. */
    private static long[] shape(Cursor c) throws MalformedFileException {
        int rank = c.readInt();
        if (rank < 0 || rank > MAX_RANK) {
            throw c.malformed("a shape of rank " + rank);
        }
        long[] shape = new long[rank];
        for (int d = 0; d < rank; d++) {
            shape[d] = c.readLong();
            if (shape[d] < -1 || shape[d] > c.bytes.length) { // -1: a batch dimension left open
                throw c.malformed("a dimension of " + shape[d]);
            }
        }
        int layout = c.readInt();
        if (layout < 0 || layout > MAX_RANK) {
            throw c.malformed("a shape layout of " + layout + " letters");
        }
        c.skip(2L * layout);
        return shape;
    }

    private static Integer elementSize(String dataType) {
        return switch (dataType) {
            case "FLOAT64", "INT64", "UINT64" -> 8;
            case "FLOAT32", "INT32", "UINT32" -> 4;
            case "FLOAT16", "BFLOAT16", "INT16", "UINT16" -> 2;
            case "INT8", "UINT8", "BOOLEAN" -> 1;
            default -> null; // STRING and unknown types: the byte count alone bounds them
        };
    }

    private static int indexOf(byte[] data, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - MAGIC.length; i++) {
            for (int j = 0; j < MAGIC.length; j++) {
                if (data[i + j] != MAGIC[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Big-endian reads (DataOutputStream's order) that stop at the end of the bytes. */
    private static final class Cursor {
        private final byte[] bytes;
        private final String source;
        private final int start;
        private int pos;

        Cursor(byte[] bytes, int pos, String source) {
            this.bytes = bytes;
            this.pos = pos;
            this.start = pos;
            this.source = source;
        }

        void need(long n) throws MalformedFileException {
            if (n > bytes.length - pos) {
                throw new MalformedFileException(source + " ends inside the DJL record at byte " + start
                        + " (truncated).");
            }
        }

        void skip(long n) throws MalformedFileException {
            need(n);
            pos += (int) n;
        }

        byte readByte() throws MalformedFileException {
            need(1);
            return bytes[pos++];
        }

        int readInt() throws MalformedFileException {
            need(4);
            int v = ByteBuffer.wrap(bytes, pos, 4).getInt();
            pos += 4;
            return v;
        }

        long readLong() throws MalformedFileException {
            need(8);
            long v = ByteBuffer.wrap(bytes, pos, 8).getLong();
            pos += 8;
            return v;
        }

        String readUtf() throws MalformedFileException {
            need(2);
            int n = ((bytes[pos] & 0xFF) << 8) | (bytes[pos + 1] & 0xFF);
            pos += 2;
            need(n);
            String s = new String(bytes, pos, n, StandardCharsets.UTF_8); // names and type names: ASCII
            pos += n;
            return s;
        }

        MalformedFileException malformed(String what) {
            return new MalformedFileException(source + " declares " + what + " in the DJL record at byte "
                    + start + "; the file is corrupt.");
        }
    }
}
