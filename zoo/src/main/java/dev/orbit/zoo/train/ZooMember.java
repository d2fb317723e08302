package dev.orbit.zoo.train;

import dev.orbit.zoo.Hyperparameters;
import java.util.Objects;

/**
 * One network to train: its index in the zoo and its recipe (whose seed drives its initial weights,
 * data subset, data order and dropout masks).
 *
 * @param networkId 0-based index in the zoo
 * @param hyperparameters the recipe
 */
public record ZooMember(int networkId, Hyperparameters hyperparameters) {

    /** Checks the id and recipe. */
    public ZooMember {
        if (networkId < 0) {
            throw new IllegalArgumentException("Network ids are 0-based, got " + networkId);
        }
        Objects.requireNonNull(hyperparameters, "hyperparameters");
    }
}
