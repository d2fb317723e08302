package dev.orbit.training.align;

import dev.orbit.datasets.zoo.ModelZooSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Pairs of zoo rows to compare: both trained with the same activation and optimizer, both at least
 * {@code minAccuracy} on the test set (a path between a trained and an untrained network says little
 * about basins), drawn without repeating a network, seeded. The (activation, optimizer) group with
 * the most such networks is used. Every network of Orbit's zoos has its own hyperparameters, so pairs
 * with identical hyperparameters do not exist there; this is the closest like-for-like choice.
 */
public final class PairPicker {

    private PairPicker() {}

    /**
     * The chosen pairs.
     *
     * @param group the activation and optimizer the pairs share, e.g. {@code tanh/rmsprop}
     * @param pairs row pairs {a, b}
     * @param candidates how many networks the group offered
     */
    public record Pairs(String group, List<int[]> pairs, int candidates) {}

    /**
     * @throws IllegalArgumentException when no group has two networks above the threshold
     */
    public static Pairs pick(ModelZooSource zoo, int count, double minAccuracy, long seed) {
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        boolean known = zoo.targetNames().contains(ModelZooSource.TEST_ACCURACY);
        for (int row = 0; row < zoo.size(); row++) {
            if (known && zoo.target(row, ModelZooSource.TEST_ACCURACY) < minAccuracy) {
                continue;
            }
            String optimizer = zoo.hyperparameters(row).getOrDefault("optimizer", "?");
            groups.computeIfAbsent(zoo.activation(row).id() + "/" + optimizer, k -> new ArrayList<>()).add(row);
        }
        Map.Entry<String, List<Integer>> best = groups.entrySet().stream()
                .max(Comparator.comparingInt((Map.Entry<String, List<Integer>> e) -> e.getValue().size()))
                .orElse(null);
        if (best == null || best.getValue().size() < 2) {
            throw new IllegalArgumentException(zoo.describe() + " has fewer than two networks of one activation and"
                    + " optimizer with test accuracy at least " + minAccuracy + "; lower --min-accuracy.");
        }
        List<Integer> rows = new ArrayList<>(best.getValue());
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = rows.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Integer t = rows.get(i);
            rows.set(i, rows.get(j));
            rows.set(j, t);
        }
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < rows.size() && pairs.size() < count; i += 2) {
            pairs.add(new int[] {rows.get(i), rows.get(i + 1)});
        }
        return new Pairs(best.getKey(), pairs, rows.size());
    }
}
