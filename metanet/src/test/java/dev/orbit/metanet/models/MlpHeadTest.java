package dev.orbit.metanet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.testing.TestNetworks;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MlpHeadTest {

    @Test
    void computedOutputShapesMatchTheForwardPass() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int depth : new int[] {0, 1, 3}) {
                MlpHead head = MlpHead.builder().setHiddenWidth(16).setDepth(depth).setOutputSize(5)
                        .optActivation(ActivationKind.GELU).build();
                Shape in = new Shape(4, 3, 7); // trailing axes are flattened to (4, 21)
                Engine.getInstance().setRandomSeed(1);
                head.initialize(manager, DataType.FLOAT32, in);
                NDArray x = TestNetworks.gaussian(manager, new Random(2), in);
                NDList out = TestNetworks.forward(manager, head, new NDList(x), false);
                assertArrayEquals(head.getOutputShapes(new Shape[] {in}), new Shape[] {out.singletonOrThrow().getShape()});
                assertEquals(new Shape(4, 5), out.singletonOrThrow().getShape());
                assertEquals(2 * (depth + 1), head.getParameters().size(), "weight and bias per linear layer");
            }
        }
    }

    @Test
    void dropoutActsOnlyInTraining() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpHead head = MlpHead.builder().setHiddenWidth(64).setDepth(2).setOutputSize(3).optDropout(0.5f).build();
            Engine.getInstance().setRandomSeed(3);
            head.initialize(manager, DataType.FLOAT32, new Shape(8, 10));
            NDList x = new NDList(TestNetworks.gaussian(manager, new Random(4), new Shape(8, 10)));
            NDArray eval1 = TestNetworks.forward(manager, head, x, false).singletonOrThrow();
            NDArray eval2 = TestNetworks.forward(manager, head, x, false).singletonOrThrow();
            assertEquals(0f, TestNetworks.maxAbsDiff(eval1, eval2), 0f);
            NDArray train = TestNetworks.forward(manager, head, x, true).singletonOrThrow();
            assertTrue(TestNetworks.maxAbsDiff(eval1, train) > 1e-3f, "dropout must change training outputs");
        }
    }

    @Test
    void everyParameterGetsAGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MlpHead head = MlpHead.builder().setHiddenWidth(16).setDepth(2).setOutputSize(2)
                    .optActivation(ActivationKind.TANH).build();
            Engine.getInstance().setRandomSeed(5);
            head.initialize(manager, DataType.FLOAT32, new Shape(4, 6));
            NDList x = new NDList(TestNetworks.gaussian(manager, new Random(6), new Shape(4, 6)));
            TestNetworks.assertEveryParameterGetsAGradient(manager, head, x, 7);
        }
    }

    @Test
    void builderNamesWhatIsMissing() {
        IllegalArgumentException noDepth = assertThrows(IllegalArgumentException.class,
                () -> MlpHead.builder().setHiddenWidth(4).setOutputSize(1).build());
        assertTrue(noDepth.getMessage().contains("setDepth"), noDepth.getMessage());
        IllegalArgumentException noWidth = assertThrows(IllegalArgumentException.class,
                () -> MlpHead.builder().setDepth(2).setOutputSize(1).build());
        assertTrue(noWidth.getMessage().contains("setHiddenWidth"), noWidth.getMessage());
        IllegalArgumentException noOutput = assertThrows(IllegalArgumentException.class,
                () -> MlpHead.builder().setDepth(0).build());
        assertTrue(noOutput.getMessage().contains("setOutputSize"), noOutput.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> MlpHead.builder().setHiddenWidth(4).setDepth(1).setOutputSize(1).optDropout(1f).build());
        MlpHead linearOnly = MlpHead.builder().setDepth(0).setOutputSize(1).build(); // width unused at depth 0
        assertEquals(0, linearOnly.getDepth());
    }
}
