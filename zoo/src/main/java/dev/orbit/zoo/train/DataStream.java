package dev.orbit.zoo.train;

import dev.orbit.zoo.space.Seeds;
import java.util.SplittableRandom;

/**
 * One member's view of the training pool: its seeded subset (train fraction) and the endless
 * sequence of subset indices its mini-batches are cut from, reshuffled on every pass. Both trainers
 * use it, so a member sees the same batches whether it trains alone or in a group.
 */
final class DataStream {

    static final long SUBSET_STREAM = 0x5B5E7L;
    static final long ORDER_STREAM = 0x0D0E7L;

    private final int[] subset;
    private final int[] pass;
    private final SplittableRandom order;
    private int cursor;

    DataStream(long seed, double trainFraction, int poolSize) {
        int size = (int) Math.max(1, Math.min(poolSize, Math.round(trainFraction * poolSize)));
        int[] permutation = identity(poolSize);
        shuffle(permutation, new SplittableRandom(Seeds.mix(seed, SUBSET_STREAM)), size);
        subset = java.util.Arrays.copyOf(permutation, size);
        pass = subset.clone();
        order = new SplittableRandom(Seeds.mix(seed, ORDER_STREAM));
        cursor = size; // forces a shuffle before the first batch
    }

    /** The member's training images (pool indices) in subset order; its train metrics use a prefix. */
    int[] subset() {
        return subset;
    }

    /** The next pool index of this member's batch sequence. */
    int next() {
        if (cursor == pass.length) {
            shuffle(pass, order, pass.length);
            cursor = 0;
        }
        return pass[cursor++];
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Fisher-Yates, stopping once the first {@code prefix} positions are final. */
    private static void shuffle(int[] a, SplittableRandom random, int prefix) {
        for (int i = 0; i < prefix && i < a.length - 1; i++) {
            int j = i + random.nextInt(a.length - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
