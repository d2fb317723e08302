package dev.orbit.zoo.train;

import dev.orbit.zoo.space.Seeds;
import java.util.SplittableRandom;

/**
 * Reproducible dropout: a member's keep mask for (step, hidden layer) is drawn on the host from its
 * own seed, so it is the same whether the member trains alone or in a group of any size, and the
 * engine's global generator is never touched. Uniforms have 16 bits: a unit is kept when
 * {@code u < round((1 - rate) * 65536)}.
 */
final class DropoutMasks {

    static final long DROPOUT_STREAM = 0xD809L;

    private DropoutMasks() {}

    /**
     * Writes one member's mask for one layer and step: {@code blocks} runs of {@code blockLength}
     * bytes (1 keep, 0 drop), run b starting at {@code offset + b * stride}. The values, read run by
     * run, depend only on (seed, step, layer, rate).
     */
    static void fill(byte[] out, int offset, int stride, int blockLength, int blocks,
            long seed, int step, int layer, double rate) {
        if (rate <= 0) {
            for (int b = 0; b < blocks; b++) {
                java.util.Arrays.fill(out, offset + b * stride, offset + b * stride + blockLength, (byte) 1);
            }
            return;
        }
        int keep = (int) Math.round((1.0 - rate) * 65536.0);
        SplittableRandom random = new SplittableRandom(Seeds.mix(Seeds.mix(seed, DROPOUT_STREAM), ((long) step << 8) | layer));
        long bits = 0;
        int left = 0;
        for (int b = 0; b < blocks; b++) {
            int start = offset + b * stride;
            for (int i = 0; i < blockLength; i++) {
                if (left == 0) {
                    bits = random.nextLong();
                    left = 4;
                }
                out[start + i] = (byte) ((int) (bits & 0xFFFF) < keep ? 1 : 0);
                bits >>>= 16;
                left--;
            }
        }
    }

    /** The factor kept units are scaled by (inverted dropout), as a float both trainers share. */
    static float scale(double rate) {
        return rate <= 0 ? 1f : (float) (1.0 / (1.0 - rate));
    }
}
