package dev.orbit.datasets.zoo;

/**
 * The one conversion between TensorFlow's kernel layouts and DJL's: a convolution kernel is
 * (h, w, in, out) in TensorFlow and (out, in, h, w) in DJL, a dense kernel (in, out) and (out, in).
 * The Small CNN Zoo's rows and state dicts with {@code kernel} tensors are in TensorFlow layout.
 */
public final class TensorFlowKernels {

    private TensorFlowKernels() {}

    /** Whether a TensorFlow kernel shape is one this class converts: rank 2 (dense) or 4 (convolution). */
    public static boolean isKernelShape(long[] tfShape) {
        return tfShape.length == 2 || tfShape.length == 4;
    }

    /** The DJL shape of a TensorFlow kernel shape: (h, w, in, out) to (out, in, h, w), (in, out) to (out, in). */
    public static long[] djlShape(long[] tfShape) {
        requireKernel(tfShape);
        return tfShape.length == 4
                ? new long[] {tfShape[3], tfShape[2], tfShape[0], tfShape[1]}
                : new long[] {tfShape[1], tfShape[0]};
    }

    /**
     * Where each DJL-order entry of a kernel sits in its TensorFlow-order storage:
     * {@code djl[i] = tf[index[i]]}. A dense kernel is the case h = w = 1.
     *
     * @param tfShape (h, w, in, out) or (in, out)
     * @return one index per entry
     */
    public static int[] djlToTensorFlowIndex(long[] tfShape) {
        requireKernel(tfShape);
        int kh = tfShape.length == 4 ? Math.toIntExact(tfShape[0]) : 1;
        int kw = tfShape.length == 4 ? Math.toIntExact(tfShape[1]) : 1;
        int in = Math.toIntExact(tfShape[tfShape.length - 2]);
        int out = Math.toIntExact(tfShape[tfShape.length - 1]);
        int[] index = new int[Math.multiplyExact(Math.multiplyExact(kh, kw), Math.multiplyExact(in, out))];
        int pos = 0;
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < in; c++) {
                for (int y = 0; y < kh; y++) {
                    for (int x = 0; x < kw; x++) {
                        index[pos++] = ((y * kw + x) * in + c) * out + o;
                    }
                }
            }
        }
        return index;
    }

    /** A TensorFlow-layout kernel in DJL layout (a new array). */
    public static float[] toDjl(float[] tf, long[] tfShape) {
        int[] index = djlToTensorFlowIndex(tfShape);
        if (index.length != tf.length) {
            throw new IllegalArgumentException("A kernel of TensorFlow shape " + java.util.Arrays.toString(tfShape)
                    + " has " + index.length + " entries, got " + tf.length);
        }
        float[] djl = new float[tf.length];
        for (int i = 0; i < djl.length; i++) {
            djl[i] = tf[index[i]];
        }
        return djl;
    }

    private static void requireKernel(long[] tfShape) {
        if (!isKernelShape(tfShape)) {
            throw new IllegalArgumentException("A TensorFlow kernel has shape (in, out) or (h, w, in, out), got "
                    + java.util.Arrays.toString(tfShape));
        }
    }
}
