package dev.orbit.datasets.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Random access to the rows of a 2-D {@code <f4} .npy file, such as a zoo's {@code weights.npy}
 * (rows × parameters), without loading the file: each call reads only the requested rows with a
 * positional read, so one reader may serve several threads.
 */
public final class NpyReader implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final long rows;
    private final int columns;
    private final long dataOffset;

    private NpyReader(Path file, FileChannel channel, long rows, int columns, long dataOffset) {
        this.file = file;
        this.channel = channel;
        this.rows = rows;
        this.columns = columns;
        this.dataOffset = dataOffset;
    }

    /**
     * Opens a 2-D float32 .npy file and validates its header against the file length.
     *
     * @param file the file
     * @return an open reader; close it
     * @throws MalformedFileException when the file is not a consistent 2-D {@code <f4} .npy file
     * @throws IOException when opening fails
     */
    public static NpyReader open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            NpyHeader header = NpyHeader.read(Channels.newInputStream(channel), file.toString(), size);
            if (header.dtype != DType.F32 || header.shape.length != 2) {
                throw new MalformedFileException(file + " holds a " + header.dtype.npyDescr() + " array of shape "
                        + Shapes.format(header.shape) + " but a 2-D <f4 array (rows, columns) was expected.");
            }
            if (header.shape[1] > Integer.MAX_VALUE / Float.BYTES) {
                throw new MalformedFileException(file + " has " + header.shape[1]
                        + " columns, more than one row may hold in memory.");
            }
            Npy.requireConsistent(header, file.toString(), size - header.dataOffset);
            return new NpyReader(file, channel, header.shape[0], (int) header.shape[1], header.dataOffset);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** @return the file being read */
    public Path file() {
        return file;
    }

    /** @return the byte offset of the first row */
    long dataOffset() {
        return dataOffset;
    }

    /** @return the number of rows */
    public long rows() {
        return rows;
    }

    /** @return the number of columns (floats per row) */
    public int columns() {
        return columns;
    }

    /**
     * Reads one row.
     *
     * @param row index in [0, rows)
     * @return its {@link #columns()} floats
     * @throws IOException when reading fails
     */
    public float[] readRow(long row) throws IOException {
        return readRows(row, 1);
    }

    /**
     * Reads consecutive rows.
     *
     * @param firstRow index of the first row
     * @param rowCount number of rows; {@code firstRow + rowCount <= rows()}
     * @return {@code rowCount * columns()} floats in row-major order
     * @throws IOException when reading fails
     */
    public float[] readRows(long firstRow, int rowCount) throws IOException {
        checkRange(firstRow, rowCount);
        if ((long) rowCount * columns > Shapes.MAX_IN_MEMORY_BYTES / Float.BYTES) {
            throw new IllegalArgumentException(rowCount + " rows of " + columns
                    + " floats do not fit in one array; read fewer rows at a time.");
        }
        float[] out = new float[rowCount * columns];
        readRows(firstRow, rowCount, out, 0);
        return out;
    }

    /**
     * Reads consecutive rows into a caller-owned array, for reuse across batches.
     *
     * @param firstRow index of the first row
     * @param rowCount number of rows
     * @param dest receives {@code rowCount * columns()} floats
     * @param destOffset where in {@code dest} to start
     * @throws IOException when reading fails
     */
    public void readRows(long firstRow, int rowCount, float[] dest, int destOffset) throws IOException {
        checkRange(firstRow, rowCount);
        long floats = (long) rowCount * columns;
        if (destOffset < 0 || destOffset + floats > dest.length) {
            throw new IndexOutOfBoundsException("dest of length " + dest.length + " cannot take " + floats
                    + " floats at offset " + destOffset);
        }
        // Chunked so a large request never needs a byte buffer over 2 GiB.
        int rowsPerChunk = Math.max(1, (1 << 26) / Math.max(1, columns * Float.BYTES));
        int done = 0;
        while (done < rowCount) {
            int n = Math.min(rowsPerChunk, rowCount - done);
            ByteBuffer bytes = ByteBuffer.allocate(n * columns * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            long position = dataOffset + (firstRow + done) * columns * Float.BYTES;
            PositionalReads.readFully(channel, bytes, position, file.toString());
            bytes.asFloatBuffer().get(dest, destOffset + done * columns, n * columns);
            done += n;
        }
    }

    /**
     * Reads consecutive rows as a DJL array.
     *
     * @param manager the owner of the result
     * @param firstRow index of the first row
     * @param rowCount number of rows
     * @return a float32 array of shape (rowCount, columns)
     * @throws IOException when reading fails
     */
    public NDArray readRows(NDManager manager, long firstRow, int rowCount) throws IOException {
        return manager.create(readRows(firstRow, rowCount), new Shape(rowCount, columns));
    }

    private void checkRange(long firstRow, int rowCount) {
        if (firstRow < 0 || rowCount < 0 || firstRow > rows - rowCount) {
            throw new IndexOutOfBoundsException("rows [" + firstRow + ", " + (firstRow + rowCount)
                    + ") are outside [0, " + rows + ") of " + file);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
