package dev.orbit.datasets.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a .npy file (format versions 1.0, 2.0 and 3.0): magic {@code \x93NUMPY}, version,
 * header length, then a Python dict literal {@code {'descr': '<f4', 'fortran_order': False,
 * 'shape': (3, 4), }} padded with spaces and a newline so the data starts 64-byte aligned.
 */
final class NpyHeader {

    static final int ALIGNMENT = 64;
    /** Far above any header NumPy writes for a plain dtype; guards the header allocation. */
    static final int MAX_HEADER_LENGTH = 1 << 20;
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    final DType dtype;
    final long[] shape;
    /** Byte offset of the first element: prefix plus dict. */
    final long dataOffset;

    private NpyHeader(DType dtype, long[] shape, long dataOffset) {
        this.dtype = dtype;
        this.shape = shape;
        this.dataOffset = dataOffset;
    }

    /** @return the number of data bytes the header claims, or -1 on overflow */
    long dataBytes() {
        return Shapes.byteCount(shape, dtype.byteSize());
    }

    /**
     * Reads and validates a header.
     *
     * @param in positioned at the first byte of the .npy content
     * @param source the file name for messages
     * @param available the bytes the content holds in total, or -1 when unknown
     */
    static NpyHeader read(InputStream in, String source, long available) throws IOException {
        byte[] prefix = in.readNBytes(8);
        if (prefix.length < 8 || !startsWithMagic(prefix)) {
            throw new MalformedFileException(source + " is not a .npy file: expected it to start with the"
                    + " magic bytes \\x93NUMPY.");
        }
        int major = prefix[6] & 0xff;
        int minor = prefix[7] & 0xff;
        if (major < 1 || major > 3 || minor != 0) {
            throw new MalformedFileException(source + " has .npy format version " + major + "." + minor
                    + " but only versions 1.0, 2.0 and 3.0 are supported.");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] lengthField = in.readNBytes(lengthBytes);
        if (lengthField.length < lengthBytes) {
            throw new MalformedFileException(source + " ends inside its .npy header length field.");
        }
        ByteBuffer lb = ByteBuffer.wrap(lengthField).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = major == 1 ? lb.getShort() & 0xffffL : lb.getInt() & 0xffffffffL;
        long prefixLength = 8L + lengthBytes;
        if (headerLength > MAX_HEADER_LENGTH
                || (available >= 0 && prefixLength + headerLength > available)) {
            throw new MalformedFileException(source + " claims a .npy header of " + headerLength
                    + " bytes, more than the file holds" + (available >= 0 ? " (" + available + " bytes)" : "")
                    + " or the " + MAX_HEADER_LENGTH + "-byte limit.");
        }
        byte[] dict = in.readNBytes((int) headerLength);
        if (dict.length < headerLength) {
            throw new MalformedFileException(source + " ends inside its .npy header: expected "
                    + headerLength + " header bytes but found " + dict.length + ".");
        }
        String text = new String(dict, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parse(text, source, prefixLength + headerLength);
    }

    private static boolean startsWithMagic(byte[] b) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static NpyHeader parse(String text, String source, long dataOffset) throws MalformedFileException {
        Map<String, Object> dict = new DictParser(text, source).parse();
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw new MalformedFileException(source + " has a .npy header without the required key '"
                        + key + "': " + DictParser.abbreviate(text.trim()) + ".");
            }
        }
        if (dict.size() != 3) {
            throw new MalformedFileException(source + " has a .npy header with keys " + dict.keySet()
                    + " but expected exactly descr, fortran_order and shape.");
        }
        if (!(dict.get("descr") instanceof String)) {
            throw new MalformedFileException(source + " has a structured dtype " + dict.get("descr")
                    + " but only plain dtypes (<f4, <f8, <i4, <i8, |u1) are supported.");
        }
        String descr = (String) dict.get("descr");
        DType dtype = DType.fromNpyDescr(descr).orElseThrow(() -> new MalformedFileException(source
                + " has dtype '" + descr + "' but only <f4, <f8, <i4, <i8 and |u1 (little-endian) are supported."));
        if (!(dict.get("fortran_order") instanceof Boolean)) {
            throw new MalformedFileException(source + " has fortran_order " + dict.get("fortran_order")
                    + " but expected True or False.");
        }
        if ((Boolean) dict.get("fortran_order")) {
            throw new MalformedFileException(source + " is stored in Fortran (column-major) order but only"
                    + " C order is supported; save it with numpy.ascontiguousarray first.");
        }
        if (!(dict.get("shape") instanceof long[])) {
            throw new MalformedFileException(source + " has shape " + dict.get("shape")
                    + " but expected a tuple of non-negative integers.");
        }
        return new NpyHeader(dtype, (long[]) dict.get("shape"), dataOffset);
    }

    /**
     * Encodes a header padded with spaces to at least {@code minLength} total bytes (prefix included)
     * and to a multiple of {@link #ALIGNMENT}; a writer that reserves room for a growing row count
     * passes the length of the header for its largest count.
     */
    static byte[] encode(DType dtype, long[] shape, int minLength) {
        String dict = "{'descr': '" + dtype.npyDescr() + "', 'fortran_order': False, 'shape': "
                + Shapes.format(shape) + ", }";
        int version = 1;
        int prefix = 10;
        int total = align(Math.max(prefix + dict.length() + 1, minLength));
        if (total - prefix > 0xffff) {
            version = 2;
            prefix = 12;
            total = align(Math.max(prefix + dict.length() + 1, minLength));
        }
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) version).put((byte) 0);
        if (version == 1) {
            out.putShort((short) (total - prefix));
        } else {
            out.putInt(total - prefix);
        }
        out.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        while (out.position() < total - 1) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        return out.array();
    }

    private static int align(int n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** Parses the small subset of Python literals a .npy header uses. */
    private static final class DictParser {
        private final String s;
        private final String source;
        private int i;

        DictParser(String s, String source) {
            this.s = s;
            this.source = source;
        }

        Map<String, Object> parse() throws MalformedFileException {
            Map<String, Object> out = new HashMap<>();
            expect('{');
            while (true) {
                skipSpace();
                if (peek() == '}') {
                    i++;
                    break;
                }
                String key = string();
                expect(':');
                if (out.put(key, value()) != null) {
                    throw fail("a key that appears only once, but '" + key + "' repeats");
                }
                skipSpace();
                if (peek() == ',') {
                    i++;
                } else if (peek() != '}') {
                    throw fail("',' or '}'");
                }
            }
            skipSpace();
            if (i != s.length()) {
                throw fail("the end of the header after '}'");
            }
            return out;
        }

        private Object value() throws MalformedFileException {
            skipSpace();
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (s.startsWith("True", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (c == '(') {
                return tuple();
            }
            if (c == '[') {
                return "a list (structured dtype)";
            }
            throw fail("a string, True, False or a tuple");
        }

        private long[] tuple() throws MalformedFileException {
            expect('(');
            List<Long> dims = new ArrayList<>();
            while (true) {
                skipSpace();
                if (peek() == ')') {
                    i++;
                    break;
                }
                dims.add(integer());
                skipSpace();
                if (peek() == ',') {
                    i++;
                } else if (peek() != ')') {
                    throw fail("',' or ')' in the shape tuple");
                }
            }
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        private long integer() throws MalformedFileException {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (start == i || i - start > 18) {
                throw fail("a non-negative integer dimension below 10^18");
            }
            long v = Long.parseLong(s.substring(start, i));
            if (i < s.length() && s.charAt(i) == 'L') {
                i++; // Python 2 long suffix in old files
            }
            return v;
        }

        private String string() throws MalformedFileException {
            skipSpace();
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw fail("a quoted string");
            }
            int end = s.indexOf(quote, i + 1);
            if (end < 0) {
                throw fail("a closing quote");
            }
            String v = s.substring(i + 1, end);
            i = end + 1;
            return v;
        }

        private void expect(char c) throws MalformedFileException {
            skipSpace();
            if (peek() != c) {
                throw fail("'" + c + "'");
            }
            i++;
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        static String abbreviate(String text) {
            return text.length() <= 200 ? text : text.substring(0, 200) + "...";
        }

        private MalformedFileException fail(String expected) {
            return new MalformedFileException(source + " has a malformed .npy header: expected " + expected
                    + " at character " + i + " of " + abbreviate(s.trim()) + ".");
        }
    }
}
