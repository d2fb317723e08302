package dev.orbit.spark;

import dev.orbit.zoo.space.ZooRecipe;
import dev.orbit.zoo.train.BatchedZooTrainer;
import dev.orbit.zoo.train.ZooMember;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The deterministic work units of a zoo: the groups {@code orbit zoo generate} trains
 * ({@link BatchedZooTrainer#groups} over all of the recipe's members), so each network trains in the
 * same group, with the same weights, whichever of the two generates it. A unit whose networks are
 * all committed is done; the others get consecutive shard indices after the zoo's committed shards, in
 * plan order. Since units commit in that order, a rerun after an interruption assigns every unit
 * still outstanding the index it had, so shards a task staged before are found again.
 */
final class ZooPlan {

    private ZooPlan() {}

    /**
     * The units still to commit.
     *
     * @param completed networks the zoo has committed
     * @param committedShards shards the zoo has committed (the first index to assign)
     */
    static List<WorkUnit> outstanding(ZooRecipe recipe, BitSet completed, int committedShards) {
        List<WorkUnit> units = new ArrayList<>();
        int next = committedShards;
        for (List<ZooMember> group : BatchedZooTrainer.groups(recipe.members(), recipe.training().maxGroupSize())) {
            int[] ids = group.stream().mapToInt(ZooMember::networkId).filter(id -> !completed.get(id)).sorted().toArray();
            if (ids.length > 0) {
                units.add(new WorkUnit(next++, ids));
            }
        }
        return units;
    }
}
