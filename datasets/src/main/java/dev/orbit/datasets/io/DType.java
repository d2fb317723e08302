package dev.orbit.datasets.io;

import ai.djl.ndarray.types.DataType;
import java.util.Optional;

/**
 * The element types Orbit reads and writes, with their spellings in NumPy ({@code descr}),
 * safetensors ({@code dtype}) and DJL. All multi-byte types are little-endian on disk.
 */
public enum DType {
    /** 32-bit IEEE float: {@code <f4}, {@code F32}. */
    F32("<f4", "F32", 4, DataType.FLOAT32),
    /** 64-bit IEEE float: {@code <f8}, {@code F64}. */
    F64("<f8", "F64", 8, DataType.FLOAT64),
    /** 32-bit signed integer: {@code <i4}, {@code I32}. */
    I32("<i4", "I32", 4, DataType.INT32),
    /** 64-bit signed integer: {@code <i8}, {@code I64}. */
    I64("<i8", "I64", 8, DataType.INT64),
    /** Unsigned byte: {@code |u1}, {@code U8}. */
    U8("|u1", "U8", 1, DataType.UINT8);

    private final String npyDescr;
    private final String safetensorsName;
    private final int byteSize;
    private final DataType djlType;

    DType(String npyDescr, String safetensorsName, int byteSize, DataType djlType) {
        this.npyDescr = npyDescr;
        this.safetensorsName = safetensorsName;
        this.byteSize = byteSize;
        this.djlType = djlType;
    }

    /** @return the NumPy {@code descr} this type is written as, e.g. {@code <f4} */
    public String npyDescr() {
        return npyDescr;
    }

    /** @return the safetensors {@code dtype} name, e.g. {@code F32} */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** @return bytes per element */
    public int byteSize() {
        return byteSize;
    }

    /** @return the matching DJL data type */
    public DataType djlType() {
        return djlType;
    }

    /**
     * Looks a NumPy {@code descr} up; byte-order markers {@code <}, {@code |} and {@code =} are
     * accepted for one-byte types, {@code <} only for wider ones (big-endian is not supported).
     *
     * @param descr the descr string from a .npy header
     * @return the type, or empty when unsupported
     */
    public static Optional<DType> fromNpyDescr(String descr) {
        for (DType t : values()) {
            if (t.npyDescr.equals(descr)) {
                return Optional.of(t);
            }
        }
        if ("<u1".equals(descr) || "=u1".equals(descr)) {
            return Optional.of(U8);
        }
        return Optional.empty();
    }

    /**
     * Looks a safetensors {@code dtype} name up.
     *
     * @param name e.g. {@code F32}
     * @return the type, or empty when unsupported (e.g. {@code BF16})
     */
    public static Optional<DType> fromSafetensors(String name) {
        for (DType t : values()) {
            if (t.safetensorsName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * Looks a DJL data type up.
     *
     * @param type a DJL data type
     * @return the type, or empty when unsupported (e.g. {@code FLOAT16})
     */
    public static Optional<DType> fromDjl(DataType type) {
        for (DType t : values()) {
            if (t.djlType == type) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
