package dev.orbit.metanet.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.orbit.metanet.testing.TestNetworks;
import org.junit.jupiter.api.Test;

class NetworkSpecTest {

    @Test
    void smallCnnZooHasThePublishedParameterCount() {
        NetworkSpec spec = NetworkSpec.smallCnnZoo(ActivationKind.RELU);
        assertEquals(4970, spec.parameterCount());
        assertEquals(2, spec.convOutputSize(2)); // 28 -> 13 -> 6 -> 2
        assertFalse(spec.isPermutable(0));
        assertTrue(spec.isPermutable(1));
        assertTrue(spec.isPermutable(3));
        assertFalse(spec.isPermutable(4));
    }

    @Test
    void mlpCountsAndValidation() {
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.TANH, 784, 64, 64, 10);
        assertEquals(784 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10, spec.parameterCount());
        assertEquals(3, spec.numLayers());
        assertThrows(IllegalArgumentException.class, () -> NetworkSpec.mlp(ActivationKind.RELU, 5));
        assertThrows(IllegalArgumentException.class, () -> NetworkSpec.smallCnnZoo(ActivationKind.RELU, 1, 8));
    }

    @Test
    void specReadFromARealBlockMatchesTheDeclaredOne() {
        for (NetworkSpec declared : new NetworkSpec[] {
            NetworkSpec.smallCnnZoo(ActivationKind.RELU), NetworkSpec.mlp(ActivationKind.RELU, 2, 32, 32, 1)
        }) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Block block = TestNetworks.initialisedBlock(manager, declared, 0.1f, 1);
                assertEquals(declared, NetworkSpec.fromBlock(block, declared.inputShape(), ActivationKind.RELU));
                assertEquals(declared, NetworkSpec.fromShapes(
                        declared.parameterShapes(), declared.inputShape(), ActivationKind.RELU, 2, 0));
            }
        }
    }

    @Test
    void jsonRoundTrip() {
        NetworkSpec spec = NetworkSpec.smallCnnZoo(ActivationKind.TANH);
        assertEquals(spec, NetworkSpec.fromJson(spec.toJson()));
    }

    @Test
    void flatAndBlockConversionsRoundTrip() {
        NetworkSpec spec = NetworkSpec.smallCnnZoo(ActivationKind.RELU);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = TestNetworks.initialisedBlock(manager, spec, 0.1f, 3);
            WeightSpaceFeatures fromBlock = WeightSpaceFeatures.fromBlock(spec, block);
            NDArray flat = fromBlock.toFlat(spec); // (1, 4970)
            assertEquals(4970, flat.getShape().get(1));
            WeightSpaceFeatures back = WeightSpaceFeatures.fromFlat(spec, flat);
            assertEquals(0f, TestNetworks.maxAbsDiff(fromBlock, back), 0f);
            // weights folded to (B, out, in, kh*kw); biases (B, out, 1)
            assertEquals(new ai.djl.ndarray.types.Shape(1, 16, 1, 9), fromBlock.weight(0).getShape());
            assertEquals(new ai.djl.ndarray.types.Shape(1, 10, 16, 1), fromBlock.weight(3).getShape());
            assertEquals(new ai.djl.ndarray.types.Shape(1, 16, 1), fromBlock.bias(2).getShape());

            Block other = TestNetworks.initialisedBlock(manager, spec, 0.1f, 4);
            fromBlock.copyToBlock(spec, other, 0);
            assertEquals(0f, TestNetworks.maxAbsDiff(fromBlock, WeightSpaceFeatures.fromBlock(spec, other)), 0f);
            assertThrows(IllegalArgumentException.class,
                    () -> WeightSpaceFeatures.fromFlat(spec, manager.zeros(new ai.djl.ndarray.types.Shape(1, 10))));
        }
    }
}
