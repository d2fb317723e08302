package dev.orbit.datasets.io;

/**
 * One entry of a safetensors header: a tensor's name, type, shape and byte range within the data
 * section (which starts right after the header).
 *
 * @param name the tensor's key
 * @param dtype element type
 * @param shape dimensions (copied in and out)
 * @param begin first byte, relative to the data section
 * @param end one past the last byte, relative to the data section
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

    /**
     * Copies the shape so the record stays immutable.
     *
     * @param name the tensor's key
     * @param dtype element type
     * @param shape dimensions
     * @param begin first byte, relative to the data section
     * @param end one past the last byte, relative to the data section
     */
    public TensorInfo {
        shape = shape.clone();
    }

    /** @return a copy of the dimensions */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** @return the tensor's size in bytes */
    public long byteLength() {
        return end - begin;
    }
}
