/**
 * Model zoos as DJL datasets: populations of trained networks of one architecture, read one network
 * at a time so a zoo of tens of thousands of networks streams from disk (DOMAIN.md §4–5).
 *
 * <p>The door is {@link dev.orbit.datasets.zoo.ModelZooSource} (one network's flat weights in the
 * {@link dev.orbit.metanet.space.NetworkSpec}'s canonical order, its targets and hyperparameter
 * group), with {@link dev.orbit.datasets.zoo.SmallCnnZooSource} for the Small CNN Zoo folder
 * format and {@link dev.orbit.datasets.zoo.StateDictFolderSource} for a folder of state dicts.
 * {@link dev.orbit.datasets.zoo.ModelZooDataset} turns a source and one split into a DJL
 * {@code RandomAccessDataset} of weight-space features; {@link dev.orbit.datasets.zoo.ZooSplit}
 * makes reproducible splits (seeded, by hyperparameter group, or NFN's published convention),
 * {@link dev.orbit.datasets.zoo.ZooNormalization} holds per-layer statistics fitted on the training
 * split, and {@link dev.orbit.datasets.zoo.SymmetryAugmentation} draws symmetry actions per epoch.
 */
package dev.orbit.datasets.zoo;
