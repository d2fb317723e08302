package dev.orbit.datasets.images;

/**
 * The content of an IDX file of unsigned bytes: its dimensions and its elements in row-major order.
 * Immutable; element access is by flat index.
 */
public final class IdxArray {

    private final int[] dims;
    private final byte[] data;

    IdxArray(int[] dims, byte[] data) {
        this.dims = dims;
        this.data = data;
    }

    /** @return the number of dimensions */
    public int rank() {
        return dims.length;
    }

    /**
     * @param axis 0 for the item count, then e.g. rows and columns
     * @return that dimension's length
     */
    public int dim(int axis) {
        return dims[axis];
    }

    /** @return a copy of the dimensions */
    public int[] dims() {
        return dims.clone();
    }

    /** @return the number of elements */
    public int size() {
        return data.length;
    }

    /**
     * @param flatIndex row-major element index
     * @return the element as 0..255
     */
    public int unsigned(int flatIndex) {
        return data[flatIndex] & 0xff;
    }

    /** @return a copy of the raw elements */
    public byte[] copyData() {
        return data.clone();
    }

    /** @return the backing elements, not copied; callers in this package must not modify them */
    byte[] data() {
        return data;
    }
}
