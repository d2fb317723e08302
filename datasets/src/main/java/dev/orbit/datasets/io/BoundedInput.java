package dev.orbit.datasets.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a byte count that came from an untrusted header out of a stream whose length is unknown
 * (gzip, zip entries). The buffer grows only as data actually arrives, so a header that lies about
 * its size costs at most twice the bytes really present, never the claimed amount.
 */
public final class BoundedInput {

    private static final int FIRST_CHUNK = 1 << 20;

    private BoundedInput() {}

    /**
     * Reads exactly {@code length} bytes.
     *
     * @param in the stream
     * @param length the byte count the header claims
     * @param source the file name for the error message
     * @param what what the bytes are, e.g. "image data"
     * @return the bytes
     * @throws MalformedFileException when the stream ends early
     * @throws IOException when reading fails
     */
    public static byte[] readExactly(InputStream in, int length, String source, String what)
            throws IOException {
        if (length < 0) {
            throw new IllegalArgumentException("length " + length + " is negative");
        }
        byte[] buf = new byte[Math.min(length, FIRST_CHUNK)];
        int filled = 0;
        while (filled < length) {
            if (filled == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(length, 2L * buf.length));
            }
            int n = in.read(buf, filled, buf.length - filled);
            if (n < 0) {
                throw new MalformedFileException(source + " is truncated: its header promises " + length
                        + " bytes of " + what + " but only " + filled + " follow.");
            }
            filled += n;
        }
        return buf;
    }

    /**
     * Checks that a stream has nothing left, so a file never holds more than its header describes.
     *
     * @param in the stream
     * @param source the file name for the error message
     * @param what what the header described, e.g. "the IDX header"
     * @throws MalformedFileException when bytes remain
     * @throws IOException when reading fails
     */
    public static void requireEnd(InputStream in, String source, String what) throws IOException {
        if (in.read() >= 0) {
            throw new MalformedFileException(source + " holds more data than " + what + " describes.");
        }
    }
}
