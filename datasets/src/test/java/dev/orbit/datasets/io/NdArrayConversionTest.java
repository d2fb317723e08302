package dev.orbit.datasets.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NdArrayConversionTest {

    @Test
    void everyDtypeSurvivesTheTripThroughDjl() {
        SplittableRandom rng = new SplittableRandom(13);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (DType t : DType.values()) {
                NpyArray a = NpyTest.randomArray(t, rng);
                NDArray nd = a.toNDArray(manager);
                assertEquals(t.djlType(), nd.getDataType());
                assertArrayEquals(a.shape(), nd.getShape().getShape());
                assertEquals(a, NpyArray.fromNDArray(nd), t.toString());
            }
        }
    }

    @Test
    void valuesAreLaidOutInCOrder() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray nd = NpyArray.ofFloats(new long[] {2, 3}, new float[] {0, 1, 2, 3, 4, 5}).toNDArray(manager);
            assertEquals(5f, nd.getFloat(1, 2), 0f);
            assertEquals(2f, nd.getFloat(0, 2), 0f);
        }
    }

    @Test
    void unsupportedDjlTypesAreRejected() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray half = manager.ones(new ai.djl.ndarray.types.Shape(2)).toType(DataType.FLOAT16, false);
            assertThrows(IllegalArgumentException.class, () -> NpyArray.fromNDArray(half));
        }
    }
}
