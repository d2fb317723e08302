package dev.orbit.zoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DropoutMasksTest {

    @Test
    void aMembersInterleavedMaskIsItsMaskDrawnAlone() {
        int members = 5;
        int channels = 6; // not a multiple of 4: draws straddle runs
        int pixels = 37;
        long[] seeds = {11, 12, 13, 14, 15};
        double[] rates = {0.0, 0.1, 0.5, 0.3, 0.7};
        float[] together = new float[members * channels * pixels];
        DropoutMasks.fillInterleaved(together, 0, members, channels, pixels, seeds, rates, 9, 1);
        for (int m = 0; m < members; m++) {
            float[] alone = new float[channels * pixels];
            DropoutMasks.fill(alone, 0, alone.length, seeds[m], 9, 1, rates[m]);
            for (int p = 0; p < pixels; p++) {
                for (int c = 0; c < channels; c++) {
                    assertEquals(alone[p * channels + c], together[(p * members + m) * channels + c], 0f,
                            "member " + m + " pixel " + p + " channel " + c);
                }
            }
        }
    }

    @Test
    void keptUnitsAreScaledAndTheirShareIsOneMinusTheRate() {
        float[] mask = new float[100_000];
        DropoutMasks.fill(mask, 0, mask.length, 3, 1, 0, 0.3);
        int kept = 0;
        for (float v : mask) {
            if (v != 0f) {
                assertEquals(1 / 0.7f, v, 1e-6f);
                kept++;
            }
        }
        assertEquals(0.7, kept / (double) mask.length, 0.01); // 100k draws: 3.3 standard errors
    }
}
