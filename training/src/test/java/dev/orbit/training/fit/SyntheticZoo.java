package dev.orbit.training.fit;

import dev.orbit.datasets.zoo.InMemoryZooSource;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Test support: a seeded in-memory zoo of small MLPs (4 -> 8 -> 1, relu) whose target is a simple,
 * permutation-invariant function of the weights: the log of their mean square. Each network's
 * weights are N(0, s²) with its own s, so the target spreads widely.
 */
public final class SyntheticZoo {

    public static final NetworkSpec SPEC = NetworkSpec.mlp(ActivationKind.RELU, 4, 8, 1);

    private SyntheticZoo() {}

    /** {@code n} networks; with {@code shuffleLabels} the targets are permuted across networks (the control). */
    public static InMemoryZooSource create(int n, long seed, boolean shuffleLabels) {
        SplittableRandom random = new SplittableRandom(seed);
        List<float[]> weights = new ArrayList<>();
        double[] target = new double[n];
        for (int i = 0; i < n; i++) {
            double scale = 0.2 + 1.3 * random.nextDouble();
            float[] w = new float[(int) SPEC.parameterCount()];
            double sq = 0;
            for (int j = 0; j < w.length; j++) {
                w[j] = (float) (scale * gaussian(random));
                sq += w[j] * w[j];
            }
            weights.add(w);
            target[i] = Math.log(sq / w.length);
        }
        if (shuffleLabels) {
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                double t = target[i];
                target[i] = target[j];
                target[j] = t;
            }
        }
        return InMemoryZooSource.of(SPEC, weights, Map.of("test_accuracy", target), null);
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * random.nextDouble());
    }
}
