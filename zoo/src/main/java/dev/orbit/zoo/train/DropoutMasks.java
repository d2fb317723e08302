package dev.orbit.zoo.train;

import dev.orbit.zoo.space.Seeds;
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
     * Writes one member's scaled mask for one layer and step as one contiguous run of {@code count}
     * values at {@code offset}: {@link #scale(double)} where kept, 0 where dropped.
     */
    static void fill(float[] out, int offset, int count, long seed, int step, int layer, double rate) {
        fillInterleaved(out, offset, 1, count, 1, new long[] {seed}, new double[] {rate}, step, layer);
    }

    /**
     * Writes the masks of {@code members} members whose values interleave in runs: run r of member m
     * ({@code runLength} values) starts at {@code offset + (r * members + m) * runLength}, as in a
     * channels-last (N, H', W', M·C) activation where a run is one member's C channels at one pixel.
     * Member m's values, read run by run, are the same as {@link #fill} writes for it: they depend only
     * on (seed, step, layer, rate). Position-major order keeps the writes sequential.
     */
    static void fillInterleaved(float[] out, int offset, int members, int runLength, int runs,
            long[] seeds, double[] rates, int step, int layer) {
        SplittableRandom[] random = new SplittableRandom[members];
        int[] keep = new int[members];
        int[] keptBits = new int[members];
        long[] bits = new long[members];
        int[] left = new int[members];
        for (int m = 0; m < members; m++) {
            random[m] = rates[m] <= 0 ? null
                    : new SplittableRandom(Seeds.mix(Seeds.mix(seeds[m], DROPOUT_STREAM), ((long) step << 8) | layer));
            keep[m] = (int) Math.round((1.0 - rates[m]) * 65536.0);
            keptBits[m] = Float.floatToRawIntBits(scale(rates[m]));
        }
        int at = offset;
        for (int r = 0; r < runs; r++) {
            for (int m = 0; m < members; m++) {
                if (random[m] == null) {
                    java.util.Arrays.fill(out, at, at + runLength, 1f);
                    at += runLength;
                    continue;
                }
                int i = 0;
                while (i < runLength) {
                    if (left[m] == 0 && i + 4 <= runLength) { // a whole draw at once: the common case
                        long draw = random[m].nextLong();
                        out[at++] = select(draw, keep[m], keptBits[m]);
                        out[at++] = select(draw >>> 16, keep[m], keptBits[m]);
                        out[at++] = select(draw >>> 32, keep[m], keptBits[m]);
                        out[at++] = select(draw >>> 48, keep[m], keptBits[m]);
                        i += 4;
                        continue;
                    }
                    if (left[m] == 0) {
                        bits[m] = random[m].nextLong();
                        left[m] = 4;
                    }
                    out[at++] = select(bits[m], keep[m], keptBits[m]);
                    bits[m] >>>= 16;
                    left[m]--;
                    i++;
                }
            }
        }
    }

    /**
     * {@code kept} when the low 16 bits of {@code bits} are below {@code keep}, else 0, without a
     * branch (the outcome is a coin flip a branch would mispredict half the time).
     */
    private static float select(long bits, int keep, int keptBits) {
        int below = ((int) (bits & 0xFFFF) - keep) >> 31; // -1 when kept, 0 when dropped
        return Float.intBitsToFloat(keptBits & below);
    }

    /** The factor kept units are scaled by (inverted dropout), as a float both trainers share. */
    static float scale(double rate) {
        return rate <= 0 ? 1f : (float) (1.0 / (1.0 - rate));
    }
}
