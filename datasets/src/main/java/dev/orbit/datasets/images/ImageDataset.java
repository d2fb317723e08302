package dev.orbit.datasets.images;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * An immutable set of labelled single-channel images: {@code size × height × width} pixels in
 * row-major order, scaled to [-1, 1] as in the Small CNN Zoo, and one class label per image.
 *
 * <p>Batches come out as DJL arrays of shape (B, 1, H, W) for explicit index lists, so the caller
 * owns shuffling and splitting with its own seeded generator.
 */
public final class ImageDataset {

    private final String name;
    private final int height;
    private final int width;
    private final int numClasses;
    private final float[] pixels;
    private final int[] labels;

    private ImageDataset(String name, int height, int width, int numClasses, float[] pixels, int[] labels) {
        this.name = Objects.requireNonNull(name, "name");
        if (height <= 0 || width <= 0 || numClasses <= 0) {
            throw new IllegalArgumentException("height, width and numClasses must be positive, got "
                    + height + ", " + width + ", " + numClasses);
        }
        if ((long) labels.length * height * width != pixels.length) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels need "
                    + (long) labels.length * height * width + " pixels of " + height + "x" + width
                    + " but " + pixels.length + " were given");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of image " + i
                        + " is outside [0, " + numClasses + ")");
            }
        }
        for (float p : pixels) {
            if (!(p >= -1f && p <= 1f)) {
                throw new IllegalArgumentException(name + ": pixel value " + p + " is outside [-1, 1]");
            }
        }
        this.height = height;
        this.width = width;
        this.numClasses = numClasses;
        this.pixels = pixels;
        this.labels = labels;
    }

    /**
     * Creates a dataset from copies of the given arrays.
     *
     * @param name e.g. {@code fashion-mnist:train}
     * @param height image rows
     * @param width image columns
     * @param numClasses labels lie in [0, numClasses)
     * @param pixels {@code labels.length * height * width} values in [-1, 1], row-major
     * @param labels one class per image
     * @return the dataset
     * @throws IllegalArgumentException when sizes, labels or pixel values are inconsistent
     */
    public static ImageDataset of(String name, int height, int width, int numClasses, float[] pixels, int[] labels) {
        return new ImageDataset(name, height, width, numClasses, pixels.clone(), labels.clone());
    }

    /** Takes ownership of freshly built arrays; no copy. */
    static ImageDataset wrap(String name, int height, int width, int numClasses, float[] pixels, int[] labels) {
        return new ImageDataset(name, height, width, numClasses, pixels, labels);
    }

    /** @return e.g. {@code fashion-mnist:train} */
    public String name() {
        return name;
    }

    /** @return image rows */
    public int height() {
        return height;
    }

    /** @return image columns */
    public int width() {
        return width;
    }

    /** @return the number of classes */
    public int numClasses() {
        return numClasses;
    }

    /** @return the number of images */
    public int size() {
        return labels.length;
    }

    /**
     * @param index image index
     * @return its class
     */
    public int label(int index) {
        return labels[index];
    }

    /**
     * @param index image index
     * @return a copy of its {@code height * width} pixels, row-major
     */
    public float[] image(int index) {
        float[] out = new float[height * width];
        System.arraycopy(pixels, index * height * width, out, 0, out.length);
        return out;
    }

    /** @return a copy of all labels */
    public int[] labels() {
        return labels.clone();
    }

    /** @return a copy of all pixels, {@code size * height * width} values */
    public float[] pixels() {
        return pixels.clone();
    }

    /**
     * Gathers images into a batch.
     *
     * @param manager the owner of the result
     * @param indices image indices, repeats allowed
     * @return float32 array of shape (B, 1, H, W)
     */
    public NDArray images(NDManager manager, int[] indices) {
        int pixelsPerImage = height * width;
        float[] batch = new float[indices.length * pixelsPerImage];
        for (int b = 0; b < indices.length; b++) {
            System.arraycopy(pixels, checkIndex(indices[b]) * pixelsPerImage, batch, b * pixelsPerImage,
                    pixelsPerImage);
        }
        return manager.create(batch, new Shape(indices.length, 1, height, width)); // (B, 1, H, W)
    }

    /**
     * Gathers labels into a batch.
     *
     * @param manager the owner of the result
     * @param indices image indices
     * @return int32 array of shape (B)
     */
    public NDArray labels(NDManager manager, int[] indices) {
        int[] batch = new int[indices.length];
        for (int b = 0; b < indices.length; b++) {
            batch[b] = labels[checkIndex(indices[b])];
        }
        return manager.create(batch); // (B)
    }

    /**
     * Gathers images and labels.
     *
     * @param manager the owner of the results
     * @param indices image indices
     * @return {@code [images (B, 1, H, W) float32, labels (B) int32]}
     */
    public NDList batch(NDManager manager, int[] indices) {
        return new NDList(images(manager, indices), labels(manager, indices));
    }

    /**
     * Selects images, e.g. a seeded train fraction.
     *
     * @param subsetName name of the result
     * @param indices image indices, in the order wanted
     * @return a new dataset holding copies of those images
     */
    public ImageDataset subset(String subsetName, int[] indices) {
        int pixelsPerImage = height * width;
        float[] p = new float[indices.length * pixelsPerImage];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int src = checkIndex(indices[i]);
            System.arraycopy(pixels, src * pixelsPerImage, p, i * pixelsPerImage, pixelsPerImage);
            l[i] = labels[src];
        }
        return new ImageDataset(subsetName, height, width, numClasses, p, l);
    }

    private int checkIndex(int index) {
        return Objects.checkIndex(index, labels.length);
    }

    @Override
    public String toString() {
        return name + " [" + size() + " images, " + height + "x" + width + ", " + numClasses + " classes]";
    }
}
