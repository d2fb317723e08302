package dev.orbit.datasets.io;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Overflow-checked arithmetic and formatting for shapes read from untrusted headers, and the limits
 * on what one file's header may declare.
 */
final class Shapes {

    /** The largest byte count an in-memory array may hold (Java arrays are int-indexed). */
    static final long MAX_IN_MEMORY_BYTES = Integer.MAX_VALUE - 8L;

    /**
     * The most tensors one safetensors file or .npz archive may hold. Every file Orbit reads holds one
     * network's parameters (a weight and a bias per layer) or a zoo shard (the same, stacked, plus
     * {@code network_id} and {@code epoch}): 4,096 tensors is 2,047 layers, hundreds of times the depth
     * of any network in a weight-space zoo (the Small CNN Zoo's CNN has 8 tensors). Zero-byte tensors
     * cost nothing in the data section, so without this limit a header alone could declare millions.
     */
    static final int MAX_TENSORS = 4096;

    private Shapes() {}

    /**
     * @return the product of the dimensions times {@code elementBytes}, or -1 when a dimension is
     *     negative or the product overflows a long
     */
    static long byteCount(long[] shape, int elementBytes) {
        long n = elementBytes;
        try {
            for (long d : shape) {
                if (d < 0) {
                    return -1;
                }
                n = Math.multiplyExact(n, d);
            }
        } catch (ArithmeticException e) {
            return -1;
        }
        return n;
    }

    /** @return the shape in NumPy's tuple spelling, e.g. {@code (3, 4)} or {@code (5,)} */
    static String format(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
    }
}
