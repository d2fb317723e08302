/**
 * Model zoos as DJL datasets: populations of trained networks of one architecture, read one network
 * at a time so a zoo of tens of thousands of networks streams from disk.
 *
 * <p>The door is {@link dev.orbit.datasets.zoo.ModelZooSource} (one network's flat weights in the
 * {@link dev.orbit.metanet.space.NetworkSpec}'s canonical order, its targets and hyperparameter
 * group). Each on-disk folder format has one package that owns it: {@code cnnzoo} the Small CNN Zoo
 * format, {@code statedict} a folder of state dicts; Orbit's own format lives in the zoo module,
 * whose {@code ZooSources} tells a folder's format and opens it. What the formats share lives here:
 * {@link dev.orbit.datasets.zoo.CsvRows} (the one CSV parser, with a bounded row length),
 * {@link dev.orbit.datasets.zoo.TensorFlowKernels} (the one TensorFlow-to-DJL kernel transpose) and
 * {@link dev.orbit.datasets.zoo.FolderZooSource}.
 *
 * <p>{@link dev.orbit.datasets.zoo.ModelZooDataset} turns a source and one split into a DJL
 * {@code RandomAccessDataset} of weight-space features; {@link dev.orbit.datasets.zoo.ZooSplit}
 * makes reproducible splits (seeded, by hyperparameter group, or NFN's published convention),
 * {@link dev.orbit.datasets.zoo.ZooNormalization} holds per-layer statistics fitted on the training
 * split, and {@link dev.orbit.datasets.zoo.SymmetryAugmentation} draws symmetry actions per epoch.
 */
package dev.orbit.datasets.zoo;
