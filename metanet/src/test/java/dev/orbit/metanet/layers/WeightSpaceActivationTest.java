package dev.orbit.metanet.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationAction;
import dev.orbit.metanet.testing.TestNetworks;
import org.junit.jupiter.api.Test;

class WeightSpaceActivationTest {

    private static final NetworkSpec MLP = NetworkSpec.mlp(ActivationKind.RELU, 2, 32, 32, 1);
    private static final NetworkSpec CNN = NetworkSpec.smallCnnZoo(ActivationKind.RELU);

    @Test
    void everyKindIsEquivariantUnderHiddenPermutations() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (NetworkSpec spec : new NetworkSpec[] {MLP, CNN}) {
                WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 2, 2, 11);
                PermutationAction g = PermutationAction.random(spec, 12);
                for (ActivationKind kind : ActivationKind.values()) {
                    WeightSpaceActivation block = WeightSpaceActivation.of(kind);
                    WeightSpaceFeatures fgx = apply(manager, block, g.apply(x));
                    WeightSpaceFeatures gfx = g.apply(apply(manager, block, x));
                    assertEquals(0f, TestNetworks.maxAbsDiff(fgx, gfx), 1e-6f, kind + " on " + spec.numLayers() + " layers");
                }
            }
        }
    }

    @Test
    void appliesTheNamedFunction() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float x = 0.5f;
            float[][] expected = {
                {ActivationKind.RELU.ordinal(), 0.5f, 0f},
                {ActivationKind.LEAKY_RELU.ordinal(), 0.5f, -0.01f},
                {ActivationKind.GELU.ordinal(), 0.345731f, -0.158655f},
                {ActivationKind.TANH.ordinal(), (float) Math.tanh(x), (float) Math.tanh(-1)},
                {ActivationKind.SIGMOID.ordinal(), (float) (1 / (1 + Math.exp(-x))), (float) (1 / (1 + Math.E))},
                {ActivationKind.SILU.ordinal(), (float) (x / (1 + Math.exp(-x))), (float) (-1 / (1 + Math.E))},
                {ActivationKind.SINE.ordinal(), (float) Math.sin(x), (float) Math.sin(-1)},
                {ActivationKind.IDENTITY.ordinal(), 0.5f, -1f},
            };
            for (float[] row : expected) {
                ActivationKind kind = ActivationKind.values()[(int) row[0]];
                NDList in = new NDList(manager.create(new float[] {x}), manager.create(new float[] {-1f}));
                NDList out = TestNetworks.forward(manager, WeightSpaceActivation.of(kind), in, false);
                assertEquals(2, out.size());
                assertEquals(row[1], out.get(0).getFloat(0), 1e-4f, kind + "(0.5)"); // GELU: erf form (tanh form is 2e-5 off)
                assertEquals(row[2], out.get(1).getFloat(0), 1e-4f, kind + "(-1)");
            }
        }
    }

    @Test
    void parsesNamesAndRejectsAMissingKind() {
        assertEquals(ActivationKind.LEAKY_RELU, ActivationKind.parse("Leaky_ReLU"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ActivationKind.parse("swish2"));
        assertEquals(true, e.getMessage().contains("gelu"));
        assertThrows(IllegalArgumentException.class, () -> WeightSpaceActivation.builder().build());
    }

    static WeightSpaceFeatures apply(NDManager manager, ai.djl.nn.Block block, WeightSpaceFeatures x) {
        return WeightSpaceFeatures.fromNDList(TestNetworks.forward(manager, block, x.toNDList(), false));
    }

    static float maxAbs(NDArray a) {
        return a.abs().max().getFloat();
    }
}
