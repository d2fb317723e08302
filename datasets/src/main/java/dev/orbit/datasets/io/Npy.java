package dev.orbit.datasets.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes whole NumPy {@code .npy} files (format 1.0/2.0/3.0; dtypes {@code <f4},
 * {@code <f8}, {@code <i4}, {@code <i8}, {@code |u1}; C order only).
 *
 * <p>A file must hold exactly the bytes its header's shape and dtype call for: fewer or more is a
 * {@link MalformedFileException}, raised before the data is allocated. For files too large to load,
 * use {@link NpyReader} and {@link NpyWriter}.
 */
public final class Npy {

    private Npy() {}

    /**
     * Reads a whole .npy file.
     *
     * @param file the file
     * @return its array
     * @throws MalformedFileException when the file is not a supported, consistent .npy file
     * @throws IOException when reading fails
     */
    public static NpyArray read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            NpyHeader header = NpyHeader.read(Channels.newInputStream(channel), file.toString(), size);
            requireInMemory(header, file.toString(), size - header.dataOffset);
            ByteBuffer data = ByteBuffer.allocate((int) header.dataBytes());
            PositionalReads.readFully(channel, data, header.dataOffset, file.toString());
            return NpyArray.wrap(header.dtype, header.shape, data);
        }
    }

    /**
     * Writes an array as a format 1.0 .npy file (2.0 when the header needs it), replacing the file.
     *
     * @param file the destination
     * @param array the array
     * @throws IOException when writing fails
     */
    public static void write(Path file, NpyArray array) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            write(out, array);
        }
    }

    /** Writes the .npy bytes of {@code array} to a stream (used for .npz entries). */
    static void write(OutputStream out, NpyArray array) throws IOException {
        out.write(NpyHeader.encode(array.dtype(), array.shape(), 0));
        ByteBuffer data = array.backingBuffer();
        if (data.hasArray()) {
            out.write(data.array(), data.arrayOffset(), data.remaining());
        } else {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            out.write(bytes);
        }
    }

    /**
     * Reads .npy content from a stream that says it holds {@code length} bytes (a zip entry). Neither
     * {@code length} nor the stream's end is trusted: at most the header and the data its shape
     * declares are read, and that data only when it fits {@code maxDataBytes}.
     *
     * @param length the content length the archive records, or -1 when unknown
     * @param maxDataBytes the most array data the caller accepts
     */
    static NpyArray read(InputStream in, String source, long length, long maxDataBytes) throws IOException {
        NpyHeader header = NpyHeader.read(in, source, length);
        long available = length < 0 ? -1 : length - header.dataOffset;
        requireInMemory(header, source, available);
        if (header.dataBytes() > maxDataBytes) {
            throw new MalformedFileException(source + " declares shape " + Shapes.format(header.shape) + " of "
                    + header.dtype.npyDescr() + " (" + header.dataBytes() + " bytes) but at most " + maxDataBytes
                    + " bytes of array data are expected here; refused before inflating it.");
        }
        byte[] data = BoundedInput.readExactly(in, (int) header.dataBytes(), source, "array data");
        BoundedInput.requireEnd(in, source, "its .npy header");
        return NpyArray.wrap(header.dtype, header.shape, ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** Checks the claimed data size against what the file holds (when known) and the heap limit. */
    private static void requireInMemory(NpyHeader header, String source, long available)
            throws MalformedFileException {
        long claimed = requireConsistent(header, source, available);
        if (claimed > Shapes.MAX_IN_MEMORY_BYTES) {
            throw new MalformedFileException(source + " holds " + claimed + " bytes, more than one in-memory"
                    + " array can; read it in row ranges with NpyReader instead.");
        }
    }

    /**
     * @param available data bytes the file holds after the header, or -1 when unknown
     * @return the data bytes the header claims
     */
    static long requireConsistent(NpyHeader header, String source, long available)
            throws MalformedFileException {
        long claimed = header.dataBytes();
        if (claimed < 0) {
            throw new MalformedFileException(source + " claims shape " + Shapes.format(header.shape)
                    + " whose byte count overflows; expected a shape that fits in the file.");
        }
        if (available >= 0 && claimed != available) {
            throw new MalformedFileException(source + " claims shape " + Shapes.format(header.shape) + " of "
                    + header.dtype.npyDescr() + " (" + claimed + " bytes) but holds " + available
                    + " bytes of data after its header.");
        }
        return claimed;
    }
}
