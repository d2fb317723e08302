package dev.orbit.datasets.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable dense array in C (row-major) order: a shape, a {@link DType} and the little-endian
 * element bytes. It is what {@link Npy}, {@link Npz} and {@link SafeTensors} read and write, so the
 * same value moves between the three formats and DJL's {@link NDArray}.
 *
 * <p>In-memory arrays are limited to {@code Integer.MAX_VALUE - 8} bytes; stream larger zoo shards
 * with {@link NpyReader}.
 */
public final class NpyArray {

    private final DType dtype;
    private final long[] shape;
    private final ByteBuffer data; // little-endian, position 0, limit = byte count, never exposed writable

    private NpyArray(DType dtype, long[] shape, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    /**
     * Wraps element bytes, copying them.
     *
     * @param dtype element type
     * @param shape dimensions, each non-negative; empty for a scalar
     * @param data exactly product(shape) * dtype size bytes, read from its position to its limit in
     *     little-endian order
     * @return the array
     * @throws IllegalArgumentException when the byte count does not match the shape
     */
    public static NpyArray of(DType dtype, long[] shape, ByteBuffer data) {
        Objects.requireNonNull(dtype, "dtype");
        long bytes = checkedByteCount(dtype, shape);
        if (data.remaining() != bytes) {
            throw new IllegalArgumentException("Shape " + Shapes.format(shape) + " of " + dtype
                    + " needs " + bytes + " bytes but " + data.remaining() + " were given.");
        }
        ByteBuffer copy = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(data.duplicate()).flip();
        return new NpyArray(dtype, shape.clone(), copy);
    }

    /** Takes ownership of a buffer the caller has just filled; no copy. */
    static NpyArray wrap(DType dtype, long[] shape, ByteBuffer data) {
        return new NpyArray(dtype, shape.clone(), data.order(ByteOrder.LITTLE_ENDIAN));
    }

    /**
     * @param shape dimensions whose product is {@code values.length}
     * @param values elements in C order
     * @return a {@link DType#F32} array
     */
    public static NpyArray ofFloats(long[] shape, float[] values) {
        ByteBuffer b = allocate(DType.F32, shape, values.length);
        b.asFloatBuffer().put(values);
        return new NpyArray(DType.F32, shape.clone(), b);
    }

    /**
     * @param shape dimensions whose product is {@code values.length}
     * @param values elements in C order
     * @return a {@link DType#F64} array
     */
    public static NpyArray ofDoubles(long[] shape, double[] values) {
        ByteBuffer b = allocate(DType.F64, shape, values.length);
        b.asDoubleBuffer().put(values);
        return new NpyArray(DType.F64, shape.clone(), b);
    }

    /**
     * @param shape dimensions whose product is {@code values.length}
     * @param values elements in C order
     * @return an {@link DType#I32} array
     */
    public static NpyArray ofInts(long[] shape, int[] values) {
        ByteBuffer b = allocate(DType.I32, shape, values.length);
        b.asIntBuffer().put(values);
        return new NpyArray(DType.I32, shape.clone(), b);
    }

    /**
     * @param shape dimensions whose product is {@code values.length}
     * @param values elements in C order
     * @return an {@link DType#I64} array
     */
    public static NpyArray ofLongs(long[] shape, long[] values) {
        ByteBuffer b = allocate(DType.I64, shape, values.length);
        b.asLongBuffer().put(values);
        return new NpyArray(DType.I64, shape.clone(), b);
    }

    /**
     * @param shape dimensions whose product is {@code values.length}
     * @param values elements in C order, read as unsigned
     * @return a {@link DType#U8} array
     */
    public static NpyArray ofUnsignedBytes(long[] shape, byte[] values) {
        ByteBuffer b = allocate(DType.U8, shape, values.length);
        b.put(values).flip();
        return new NpyArray(DType.U8, shape.clone(), b);
    }

    /**
     * Copies a DJL array to the host.
     *
     * @param array an array of a supported type (float32/64, int32/64, uint8)
     * @return its shape, type and elements
     * @throws IllegalArgumentException for other DJL types
     */
    public static NpyArray fromNDArray(NDArray array) {
        DType dtype = DType.fromDjl(array.getDataType()).orElseThrow(() -> new IllegalArgumentException(
                "NDArray type " + array.getDataType() + " is not supported; expected one of float32, float64,"
                        + " int32, int64, uint8."));
        ByteBuffer bytes = array.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return of(dtype, array.getShape().getShape(), bytes);
    }

    /**
     * Copies this array into a DJL array owned by {@code manager}.
     *
     * @param manager the owner of the new array
     * @return an array of the same shape, type and elements
     */
    public NDArray toNDArray(NDManager manager) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("NDArray conversion assumes a little-endian platform.");
        }
        return manager.create(data(), new Shape(shape), dtype.djlType());
    }

    /** @return the element type */
    public DType dtype() {
        return dtype;
    }

    /** @return a copy of the dimensions */
    public long[] shape() {
        return shape.clone();
    }

    /** @return the number of dimensions (0 for a scalar) */
    public int rank() {
        return shape.length;
    }

    /** @return the number of elements */
    public long size() {
        return data.limit() / dtype.byteSize();
    }

    /** @return a read-only little-endian view of the element bytes, positioned at 0 */
    public ByteBuffer data() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** @return a writable-looking duplicate of the backing buffer, for writers in this package only */
    ByteBuffer backingBuffer() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** @return the elements as floats; only for {@link DType#F32} */
    public float[] toFloatArray() {
        requireType(DType.F32);
        float[] out = new float[(int) size()];
        data().asFloatBuffer().get(out);
        return out;
    }

    /** @return the elements as doubles; only for {@link DType#F64} */
    public double[] toDoubleArray() {
        requireType(DType.F64);
        double[] out = new double[(int) size()];
        data().asDoubleBuffer().get(out);
        return out;
    }

    /** @return the elements as ints; only for {@link DType#I32} */
    public int[] toIntArray() {
        requireType(DType.I32);
        int[] out = new int[(int) size()];
        data().asIntBuffer().get(out);
        return out;
    }

    /** @return the elements as longs; only for {@link DType#I64} */
    public long[] toLongArray() {
        requireType(DType.I64);
        long[] out = new long[(int) size()];
        data().asLongBuffer().get(out);
        return out;
    }

    /** @return the raw element bytes (for {@link DType#U8}, the elements themselves) */
    public byte[] toByteArray() {
        byte[] out = new byte[data.limit()];
        data().get(out);
        return out;
    }

    private void requireType(DType expected) {
        if (dtype != expected) {
            throw new IllegalStateException("This array holds " + dtype + " elements, not " + expected + ".");
        }
    }

    private static long checkedByteCount(DType dtype, long[] shape) {
        long bytes = Shapes.byteCount(shape, dtype.byteSize());
        if (bytes < 0 || bytes > Shapes.MAX_IN_MEMORY_BYTES) {
            throw new IllegalArgumentException("Shape " + Shapes.format(shape) + " of " + dtype
                    + " is negative or larger than an in-memory array can hold.");
        }
        return bytes;
    }

    private static ByteBuffer allocate(DType dtype, long[] shape, int length) {
        long bytes = checkedByteCount(dtype, shape);
        if (bytes != (long) length * dtype.byteSize()) {
            throw new IllegalArgumentException("Shape " + Shapes.format(shape) + " holds "
                    + bytes / dtype.byteSize() + " elements but " + length + " were given.");
        }
        return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NpyArray)) {
            return false;
        }
        NpyArray other = (NpyArray) o;
        return dtype == other.dtype && Arrays.equals(shape, other.shape) && data.equals(other.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), data);
    }

    @Override
    public String toString() {
        return "NpyArray[" + dtype + " " + Shapes.format(shape) + "]";
    }
}
