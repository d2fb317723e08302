package dev.orbit.datasets.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends rows to a 2-D {@code <f4} .npy file, for building zoo shards one checkpoint at a time.
 *
 * <p>The header is padded to the length it would have for the largest possible row count, so
 * {@link #close()} can patch the final count in place. Until then the header says zero rows, and
 * readers reject the file as inconsistent rather than returning a partial shard silently.
 */
public final class NpyWriter implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final int columns;
    private final int headerLength;
    private long rows;
    private boolean closed;

    private NpyWriter(Path file, FileChannel channel, int columns, int headerLength, long rows) {
        this.file = file;
        this.channel = channel;
        this.columns = columns;
        this.headerLength = headerLength;
        this.rows = rows;
    }

    /**
     * Creates (or replaces) a file for rows of {@code columns} floats.
     *
     * @param file the destination
     * @param columns floats per row, positive
     * @return an open writer; close it to make the file valid
     * @throws IOException when the file cannot be created
     */
    public static NpyWriter create(Path file, int columns) throws IOException {
        if (columns <= 0) {
            throw new IllegalArgumentException("columns must be positive, got " + columns);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ);
        int headerLength = reservedHeaderLength(columns);
        NpyWriter writer = new NpyWriter(file, channel, columns, headerLength, 0);
        writer.writeHeader();
        return writer;
    }

    /**
     * Reopens a closed 2-D {@code <f4} file to append more rows; its header must have room for a
     * larger row count, as every file {@link NpyWriter} writes does.
     *
     * @param file an existing, consistent file
     * @return an open writer positioned after the last row
     * @throws MalformedFileException when the file is not a consistent 2-D {@code <f4} .npy file or
     *     its header cannot grow in place
     * @throws IOException when opening fails
     */
    public static NpyWriter openForAppend(Path file) throws IOException {
        long rows;
        int columns;
        long dataOffset;
        try (NpyReader reader = NpyReader.open(file)) {
            rows = reader.rows();
            columns = reader.columns();
            dataOffset = reader.dataOffset();
        }
        if (columns == 0 || reservedHeaderLength(columns) != dataOffset) {
            throw new MalformedFileException(file + " has a " + dataOffset + "-byte .npy header without room"
                    + " for a growing row count; expected one written by NpyWriter.");
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
        return new NpyWriter(file, channel, columns, (int) dataOffset, rows);
    }

    private static int reservedHeaderLength(int columns) {
        return NpyHeader.encode(DType.F32, new long[] {Long.MAX_VALUE, columns}, 0).length;
    }

    /** @return floats per row */
    public int columns() {
        return columns;
    }

    /** @return rows written so far (including any the file held when reopened) */
    public long rows() {
        return rows;
    }

    /**
     * Appends one row.
     *
     * @param row exactly {@link #columns()} floats
     * @throws IOException when writing fails
     */
    public void appendRow(float[] row) throws IOException {
        if (row.length != columns) {
            throw new IllegalArgumentException("row has " + row.length + " floats but " + file + " takes "
                    + columns + " per row");
        }
        appendRows(row);
    }

    /**
     * Appends whole rows.
     *
     * @param values a multiple of {@link #columns()} floats in row-major order
     * @throws IOException when writing fails
     */
    public void appendRows(float[] values) throws IOException {
        if (closed) {
            throw new IllegalStateException("writer for " + file + " is closed");
        }
        if (values.length % columns != 0) {
            throw new IllegalArgumentException(values.length + " floats are not whole rows of " + columns);
        }
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        long position = headerLength + rows * columns * Float.BYTES;
        while (bytes.hasRemaining()) {
            position += channel.write(bytes, position);
        }
        rows += values.length / columns;
    }

    /** Patches the row count into the header and closes the file. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (FileChannel c = channel) {
            c.truncate(headerLength + rows * columns * Float.BYTES);
            writeHeader();
            c.force(true);
        }
    }

    private void writeHeader() throws IOException {
        ByteBuffer header = ByteBuffer.wrap(NpyHeader.encode(DType.F32, new long[] {rows, columns}, headerLength));
        if (header.remaining() != headerLength) {
            throw new IllegalStateException("header for " + file + " outgrew its reserved space");
        }
        long position = 0;
        while (header.hasRemaining()) {
            position += channel.write(header, position);
        }
    }
}
