package dev.orbit.datasets.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageDatasetTest {

    @Test
    void batchesAreBx1xHxWInIndexOrder() throws IOException {
        ImageDataset digits = ImageDatasets.load("digits").train();
        int[] indices = {5, 0, 5};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList batch = digits.batch(manager, indices);
            NDArray images = batch.get(0);
            assertArrayEquals(new long[] {3, 1, 8, 8}, images.getShape().getShape());
            assertEquals(DataType.FLOAT32, images.getDataType());
            float[] flat = images.toFloatArray();
            for (int b = 0; b < indices.length; b++) {
                assertArrayEquals(digits.image(indices[b]), Arrays.copyOfRange(flat, b * 64, (b + 1) * 64), 0f);
            }
            assertArrayEquals(new int[] {digits.label(5), digits.label(0), digits.label(5)}, batch.get(1).toIntArray());
            // Negative control: different images really differ, so the order check above can fail.
            assertFalse(Arrays.equals(digits.image(5), digits.image(0)));
            assertThrows(IndexOutOfBoundsException.class, () -> digits.images(manager, new int[] {digits.size()}));
        }
    }

    @Test
    void subsetsAndCopiesKeepTheDatasetImmutable() throws IOException {
        ImageDataset digits = ImageDatasets.load("digits").test();
        ImageDataset sub = digits.subset("digits:test-head", new int[] {2, 1});
        assertEquals(2, sub.size());
        assertArrayEquals(digits.image(2), sub.image(0), 0f);
        assertEquals(digits.label(1), sub.label(1));
        float[] copy = digits.pixels();
        copy[0] = 0.5f;
        assertEquals(-1f, digits.image(0)[0], 0f, "the copy does not alias the dataset");
    }

    @Test
    void constructionValidatesSizesLabelsAndRange() {
        assertThrows(IllegalArgumentException.class,
                () -> ImageDataset.of("x", 2, 2, 10, new float[3], new int[] {0}));
        assertThrows(IllegalArgumentException.class,
                () -> ImageDataset.of("x", 1, 1, 10, new float[1], new int[] {10}));
        assertThrows(IllegalArgumentException.class,
                () -> ImageDataset.of("x", 1, 1, 10, new float[] {1.5f}, new int[] {0}));
        assertEquals(1, ImageDataset.of("x", 1, 1, 10, new float[] {1f}, new int[] {9}).size());
    }
}
