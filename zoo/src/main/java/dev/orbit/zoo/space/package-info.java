/**
 * What a zoo is drawn from: the {@link dev.orbit.zoo.space.HyperparameterSpace} of member recipes
 * (after the Small CNN Zoo, Unterthiner et al. 2020) and named {@link dev.orbit.zoo.space.ZooRecipe}
 * presets that fix dataset, architecture, size, seed and training budget.
 */
package dev.orbit.zoo.space;
