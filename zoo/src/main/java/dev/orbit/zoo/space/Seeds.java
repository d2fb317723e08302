package dev.orbit.zoo.space;

/**
 * Derives independent 64-bit seeds from a parent seed and a label with the SplitMix64 finaliser, so
 * every random stream of a zoo (a member's hyperparameters, its initial weights, its data order, its
 * dropout masks) depends only on its own coordinates, never on how many other streams were drawn.
 */
public final class Seeds {

    private Seeds() {}

    /** A seed for stream {@code label} of {@code parent}; distinct labels give unrelated seeds. */
    public static long mix(long parent, long label) {
        return finalise(finalise(parent) ^ finalise(label + 0x9E3779B97F4A7C15L));
    }

    private static long finalise(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
