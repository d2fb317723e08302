package dev.orbit.datasets.images;

import dev.orbit.datasets.io.BoundedInput;
import dev.orbit.datasets.io.MalformedFileException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files of unsigned bytes (LeCun's MNIST format: magic {@code 00 00 08 rank}, big-endian
 * int32 dimensions, then the elements), raw or gzipped; gzip is detected by its magic {@code 1f 8b},
 * not by the file name.
 *
 * <p>The file must hold exactly the elements its dimensions claim. For a raw file that is checked
 * against the file length before anything is allocated; for a gzipped one the data is read with a
 * buffer that grows only as bytes arrive, and a short or long stream is an error.
 */
public final class IdxReader {

    private static final int UNSIGNED_BYTE = 0x08;
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8L;

    private IdxReader() {}

    /**
     * Reads an IDX file of any rank.
     *
     * @param file the file, raw or gzipped
     * @return its dimensions and elements
     * @throws MalformedFileException when the file is not a consistent unsigned-byte IDX file
     * @throws IOException when reading fails
     */
    public static IdxArray read(Path file) throws IOException {
        return read(file, 0);
    }

    /**
     * Reads an image file: rank 3, (count, rows, columns).
     *
     * @param file the file, raw or gzipped
     * @return the images
     * @throws MalformedFileException when the file is not a consistent rank-3 unsigned-byte IDX file
     * @throws IOException when reading fails
     */
    public static IdxArray readImages(Path file) throws IOException {
        return read(file, 3);
    }

    /**
     * Reads a label file: rank 1.
     *
     * @param file the file, raw or gzipped
     * @return one label per item, 0..255
     * @throws MalformedFileException when the file is not a consistent rank-1 unsigned-byte IDX file
     * @throws IOException when reading fails
     */
    public static int[] readLabels(Path file) throws IOException {
        IdxArray array = read(file, 1);
        int[] labels = new int[array.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = array.unsigned(i);
        }
        return labels;
    }

    private static IdxArray read(Path file, int expectedRank) throws IOException {
        long fileSize = Files.size(file);
        try (InputStream buffered = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            buffered.mark(2);
            boolean gzipped = buffered.read() == 0x1f && buffered.read() == 0x8b;
            buffered.reset();
            InputStream in = gzipped ? new GZIPInputStream(buffered, 1 << 16) : buffered;
            return read(in, file.toString(), gzipped ? -1 : fileSize, expectedRank);
        } catch (ZipException | EOFException e) {
            throw new MalformedFileException(file + " is a corrupt or truncated gzip stream ("
                    + e.getMessage() + "); expected a complete gzipped IDX file.", e);
        }
    }

    /** @param available the content length, or -1 when unknown (gzip) */
    private static IdxArray read(InputStream in, String source, long available, int expectedRank)
            throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4 || magic[0] != 0 || magic[1] != 0) {
            throw new MalformedFileException(source + " is not an IDX file: expected magic 00 00 08 0"
                    + Math.max(expectedRank, 1) + " but found " + HexFormat.ofDelimiter(" ").formatHex(magic) + ".");
        }
        if (magic[2] != UNSIGNED_BYTE) {
            throw new MalformedFileException(source + " has IDX element type 0x"
                    + HexFormat.of().toHexDigits(magic[2]) + " but only unsigned bytes (0x08) are supported.");
        }
        int rank = magic[3] & 0xff;
        if (rank == 0 || (expectedRank > 0 && rank != expectedRank)) {
            throw new MalformedFileException(source + " has " + rank + " IDX dimensions but "
                    + (expectedRank > 0 ? expectedRank : "at least 1") + " were expected.");
        }
        byte[] dimBytes = in.readNBytes(4 * rank);
        if (dimBytes.length < 4 * rank) {
            throw new MalformedFileException(source + " ends inside its IDX header: expected " + rank
                    + " four-byte dimensions.");
        }
        int[] dims = new int[rank];
        long elements = 1;
        for (int d = 0; d < rank; d++) {
            long dim = ((dimBytes[4 * d] & 0xffL) << 24) | ((dimBytes[4 * d + 1] & 0xff) << 16)
                    | ((dimBytes[4 * d + 2] & 0xff) << 8) | (dimBytes[4 * d + 3] & 0xff);
            if (dim == 0) {
                throw new MalformedFileException(source + " has IDX dimension " + d
                        + " of length 0 but expected a positive length.");
            }
            dims[d] = (int) Math.min(dim, Integer.MAX_VALUE);
            elements *= dim;
            if (elements > MAX_ELEMENTS) {
                throw new MalformedFileException(source + " claims IDX dimensions starting "
                        + Arrays.toString(Arrays.copyOf(dims, d + 1)) + " (at least " + elements
                        + " elements) but expected at most " + MAX_ELEMENTS + ", what one in-memory array holds.");
            }
        }
        long headerLength = 4L + 4L * rank;
        if (available >= 0 && available - headerLength != elements) {
            throw new MalformedFileException(source + " claims IDX dimensions " + Arrays.toString(dims)
                    + " (" + elements + " bytes of data) but holds " + (available - headerLength)
                    + " bytes after its header.");
        }
        byte[] data = BoundedInput.readExactly(in, (int) elements, source, "IDX data");
        BoundedInput.requireEnd(in, source, "its IDX header");
        return new IdxArray(dims, data);
    }
}
