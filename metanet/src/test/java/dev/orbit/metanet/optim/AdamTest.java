package dev.orbit.metanet.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Adam}'s sliced update of large parameters against the engine's update of each whole
 * parameter (the reference): the same weights and moments, bit for bit, over several steps.
 */
class AdamTest {

    /** 64-element slices: the 30 x 40 weight (1,200 elements) is updated in 19 slices, the last one partial. */
    private static final long SMALL_SLICE = 64;
    /** Larger than every parameter: the engine's update of each whole parameter. */
    private static final long NO_SLICING = 1L << 40;

    @Test
    void aSlicedUpdateEqualsTheWholeParameterUpdate(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Run reference = new Run(manager, NO_SLICING);
            Run sliced = new Run(manager, SMALL_SLICE);
            float[] initial = sliced.weights().get(0);
            for (int step = 0; step < 4; step++) {
                reference.step(step, 1e-2f);
                sliced.step(step, 1e-2f);
            }
            assertWeightsEqual(reference.weights(), sliced.weights());
            reference.adam.save(dir.resolve("reference.ndlist"));
            sliced.adam.save(dir.resolve("sliced.ndlist"));
            assertArrayEquals(Files.readAllBytes(dir.resolve("reference.ndlist")), Files.readAllBytes(dir.resolve("sliced.ndlist")),
                    "moments and step count");
            float[] moved = sliced.weights().get(0);
            for (int i = 0; i < moved.length; i++) {
                assertTrue(moved[i] != initial[i], "weight element " + i + " was never updated");
            }

            // Negative control: the comparison sees a difference when there is one.
            Run other = new Run(manager, SMALL_SLICE);
            for (int step = 0; step < 4; step++) {
                other.step(step, 2e-2f);
            }
            assertFalse(java.util.Arrays.equals(reference.weights().get(0), other.weights().get(0)));
        }
    }

    @Test
    void discardedGradientsLeaveNoTrace() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Run clean = new Run(manager, SMALL_SLICE);
            Run skipped = new Run(manager, SMALL_SLICE);
            clean.step(0, 1e-2f);
            skipped.step(0, 1e-2f);
            // A batch with a non-finite loss: its gradients are NaN and its update is skipped.
            skipped.backward(1, Float.NaN);
            assertTrue(Float.isNaN(skipped.gradientSum()), "the poisoned batch's gradients are NaN");
            skipped.adam.discardGradients();
            assertEquals(0f, skipped.gradientSum(), 0f);
            clean.step(2, 1e-2f);
            skipped.step(2, 1e-2f);
            assertWeightsEqual(clean.weights(), skipped.weights());

            // Negative control: without discarding, the NaN gradients reach the parameters.
            Run leaky = new Run(manager, SMALL_SLICE);
            leaky.step(0, 1e-2f);
            leaky.backward(1, Float.NaN);
            leaky.step(2, 1e-2f);
            assertTrue(Float.isNaN(leaky.weights().get(0)[0]));
        }
    }

    @Test
    void aSliceThatIsNotAMultipleOf64IsRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Run(manager, 100));
            assertTrue(e.getMessage().contains("multiple of 64"), e.getMessage());
        }
    }

    private static void assertWeightsEqual(List<float[]> expected, List<float[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), 0f, "parameter " + i);
        }
    }

    /** A 30 -> 40 linear layer (weight 1,200 elements, bias 40), seeded identically every time, and its Adam state. */
    private static final class Run {
        final Block block = Linear.builder().setUnits(40).build();
        final NDManager manager;
        final ParameterStore store;
        final Adam adam;

        Run(NDManager parent, long slice) {
            manager = parent.newSubManager();
            Engine.getInstance().setRandomSeed(11);
            block.initialize(manager, DataType.FLOAT32, new Shape(5, 30));
            store = new ParameterStore(manager, false);
            adam = new Adam(manager, block.getParameters(), slice);
        }

        /** Gradients of a seeded batch's loss; {@code scale} NaN makes them NaN. */
        void backward(int batch, float scale) {
            try (NDManager step = manager.newSubManager()) {
                Engine.getInstance().setRandomSeed(100 + batch);
                NDArray x = step.randomNormal(new Shape(5, 30)); // (5, 30)
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray y = block.forward(store, new NDList(x), true).singletonOrThrow(); // (5, 40)
                    collector.backward(y.square().mean().mul(scale)); // ()
                }
            }
        }

        void step(int batch, float lr) {
            backward(batch, 1f);
            adam.step(lr);
        }

        float gradientSum() {
            float sum = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                for (float g : p.getValue().getArray().getGradient().toFloatArray()) {
                    sum += g;
                }
            }
            return sum;
        }

        List<float[]> weights() {
            List<float[]> out = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                out.add(p.getValue().getArray().toFloatArray());
            }
            return out;
        }
    }
}
