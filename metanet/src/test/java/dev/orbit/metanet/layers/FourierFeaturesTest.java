package dev.orbit.metanet.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationAction;
import dev.orbit.metanet.testing.TestNetworks;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FourierFeaturesTest {

    private static final NetworkSpec MLP = NetworkSpec.mlp(ActivationKind.RELU, 2, 32, 32, 1);
    private static final NetworkSpec CNN = NetworkSpec.smallCnnZoo(ActivationKind.RELU);

    @Test
    void equivariantUnderHiddenPermutationsWithComputedShapes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int channels : new int[] {1, 2}) {
                for (NetworkSpec spec : new NetworkSpec[] {MLP, CNN}) {
                    FourierFeatures ff = FourierFeatures.builder()
                            .optInChannels(channels).setMappingSize(4).optSigma(1f).optSeed(3).build();
                    WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 2, channels, 101);
                    PermutationAction g = PermutationAction.random(spec, 102);
                    WeightSpaceFeatures fgx = WeightSpaceActivationTest.apply(manager, ff, g.apply(x));
                    WeightSpaceFeatures gfx = g.apply(WeightSpaceActivationTest.apply(manager, ff, x));
                    assertEquals(0f, TestNetworks.maxAbsDiff(fgx, gfx), 1e-5f);
                    assertArrayEquals(ff.getOutputShapes(TestNetworks.shapesOf(x.toNDList())),
                            TestNetworks.shapesOf(fgx.toNDList()));
                }
            }
        }
    }

    @Test
    void keepsTheKernelFoldingAsChannelTimesFilterPlusPosition() {
        int c = 2;
        int m = 3;
        int f = 9;
        try (NDManager manager = NDManager.newBaseManager()) {
            FourierFeatures ff = FourierFeatures.builder().optInChannels(c).setMappingSize(m).optSigma(0.5f).build();
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, CNN, 1, c, 111);
            WeightSpaceFeatures y = WeightSpaceActivationTest.apply(manager, ff, x);
            assertEquals(new Shape(1, 16, 16, 2 * m * f), y.weight(1).getShape());
            assertEquals(new Shape(1, 16, 2 * m), y.bias(1).getShape());
            assertEquals(new Shape(1, 10, 16, 2 * m), y.weight(3).getShape()); // dense: f = 1

            float[] b = ff.getProjection(); // (C, M)
            float[] in = x.weight(1).get("0, 4, 7").toFloatArray(); // C * f, index c * f + k
            float[] out = y.weight(1).get("0, 4, 7").toFloatArray(); // 2M * f, index c' * f + k
            for (int k = 0; k < f; k++) {
                for (int j = 0; j < m; j++) {
                    double phase = 0;
                    for (int ch = 0; ch < c; ch++) {
                        phase += in[ch * f + k] * b[ch * m + j];
                    }
                    phase *= 2 * Math.PI;
                    assertEquals(Math.sin(phase), out[j * f + k], 1e-5, "sin, k=" + k + " j=" + j);
                    assertEquals(Math.cos(phase), out[(m + j) * f + k], 1e-5, "cos, k=" + k + " j=" + j);
                }
            }
            float[] bias = x.bias(2).get("0, 5").toFloatArray();
            float[] biasOut = y.bias(2).get("0, 5").toFloatArray();
            double phase = 2 * Math.PI * (bias[0] * b[1] + bias[1] * b[m + 1]);
            assertEquals(Math.sin(phase), biasOut[1], 1e-5);
            assertEquals(Math.cos(phase), biasOut[m + 1], 1e-5);
        }
    }

    @Test
    void theProjectionIsFixedBySeedAndSigma() {
        FourierFeatures a = FourierFeatures.builder().optInChannels(2).setMappingSize(64).optSigma(2f).optSeed(7).build();
        FourierFeatures same = FourierFeatures.builder().optInChannels(2).setMappingSize(64).optSigma(2f).optSeed(7).build();
        FourierFeatures other = FourierFeatures.builder().optInChannels(2).setMappingSize(64).optSigma(2f).optSeed(8).build();
        assertArrayEquals(a.getProjection(), same.getProjection(), 0f);
        assertFalse(Arrays.equals(a.getProjection(), other.getProjection()));
        double sumSq = 0;
        for (float v : a.getProjection()) {
            sumSq += v * v;
        }
        assertEquals(2.0, Math.sqrt(sumSq / 128), 0.4, "empirical std of B, 128 draws");
        assertEquals(128, a.getOutChannels());
        assertThrows(IllegalArgumentException.class, () -> FourierFeatures.builder().optInChannels(1).build());
        assertThrows(IllegalArgumentException.class,
                () -> FourierFeatures.builder().optInChannels(1).setMappingSize(2).optSigma(0f).build());
    }
}
