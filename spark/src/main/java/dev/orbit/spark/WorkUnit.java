package dev.orbit.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One Spark task's share of a zoo: a group of networks that the batched trainer trains at once, and
 * the shard index its checkpoints will have. Its members' hyperparameters and seeds follow from the
 * recipe and the network ids ({@code ZooRecipe.space().sample(id, seed)}), so a unit is all a task
 * needs besides the recipe.
 *
 * @param shardIndex the index its shard gets in the zoo
 * @param networkIds the networks, in the order the trainer groups them (ascending)
 */
record WorkUnit(int shardIndex, int[] networkIds) implements Serializable {

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkUnit u && u.shardIndex == shardIndex && Arrays.equals(u.networkIds, networkIds);
    }

    @Override
    public int hashCode() {
        return 31 * shardIndex + Arrays.hashCode(networkIds);
    }

    @Override
    public String toString() {
        return "unit " + shardIndex + " (" + networkIds.length + " networks)";
    }
}
