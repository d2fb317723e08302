package dev.orbit.zoo.train;

import dev.orbit.zoo.space.Seeds;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * Reproducible dropout: a member's keep mask for (step, hidden layer) is drawn on the host from its
 * own seed, so it is the same whether the member trains alone or in a group of any size, and the
 * engine's global generator is never touched. Uniforms have 16 bits: a unit is kept when
 * {@code u < round((1 - rate) * 65536)}, and kept units are scaled by 1 / (1 - rate) (inverted dropout).
 */
final class DropoutMasks {

    static final long DROPOUT_STREAM = 0xD809L;

    private DropoutMasks() {}

    /**
     * Writes one member's scaled mask for one layer and step: {@code blocks} runs of
     * {@code blockLength} values ({@link #scale(double)} where kept, 0 where dropped), run b starting
     * at {@code offset + b * stride}. The values, read run by run, depend only on (seed, step, layer,
     * rate).
     */
    static void fill(FloatBuffer out, int offset, int stride, int blockLength, int blocks,
            long seed, int step, int layer, double rate) {
        float kept = scale(rate);
        if (rate <= 0) {
            for (int b = 0; b < blocks; b++) {
                int start = offset + b * stride;
                for (int i = 0; i < blockLength; i++) {
                    out.put(start + i, kept);
                }
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
                out.put(start + i, (int) (bits & 0xFFFF) < keep ? kept : 0f);
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
