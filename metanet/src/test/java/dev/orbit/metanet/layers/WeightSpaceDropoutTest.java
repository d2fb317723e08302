package dev.orbit.metanet.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.testing.TestNetworks;
import org.junit.jupiter.api.Test;

class WeightSpaceDropoutTest {

    @Test
    void dropsEntriesOnlyInTrainingAndRescalesTheRest() {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceDropout dropout = WeightSpaceDropout.builder().optRate(0.25f).build();
            NDList in = new NDList(manager.ones(new Shape(4, 50, 50, 1)), manager.ones(new Shape(4, 50, 1)));

            NDList eval = TestNetworks.forward(manager, dropout, in, false);
            assertEquals(0f, TestNetworks.maxAbsDiff(in.get(0), eval.get(0)), 0f);
            assertEquals(0f, TestNetworks.maxAbsDiff(in.get(1), eval.get(1)), 0f);

            NDList train = TestNetworks.forward(manager, dropout, in, true);
            assertEquals(2, train.size());
            NDArray w = train.get(0); // 10,000 entries: each 0 or 1 / 0.75
            float dropped = w.eq(0f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mean().getFloat();
            assertEquals(0.25f, dropped, 0.03f, "fraction dropped");
            NDArray kept = w.get(w.neq(0f));
            assertEquals(0f, kept.sub(1f / 0.75f).abs().max().getFloat(), 1e-5f, "survivors scaled by 1/(1-rate)");
        }
    }

    @Test
    void rejectsRatesOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> WeightSpaceDropout.builder().optRate(1f).build());
        assertThrows(IllegalArgumentException.class, () -> WeightSpaceDropout.builder().optRate(-0.1f).build());
    }
}
