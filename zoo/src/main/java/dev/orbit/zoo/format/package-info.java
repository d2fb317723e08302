/**
 * Orbit's on-disk model zoo (see {@code zoo/FORMAT.md}): a folder with a versioned
 * {@code manifest.json}, weight shards in safetensors ({@code shards/shard-NNNNN.safetensors}, each
 * parameter stacked across the shard's checkpoints) and a {@code metrics.csv} with one row per
 * checkpoint.
 *
 * <p>The doors into the package: {@link dev.orbit.zoo.format.ZooWriter} writes a zoo resumably and
 * crash-safely, {@link dev.orbit.zoo.format.ZooReader} streams it shard by shard or reads single
 * checkpoints, and {@link dev.orbit.zoo.format.CnnZooExporter} exports to the Small CNN Zoo layout
 * of Unterthiner et al. (2020), which NFN's {@code ZooDataset} reads (that format, and its one
 * reader, live in {@code dev.orbit.datasets.zoo.cnnzoo}). Every error a user can cause (a corrupt shard,
 * a folder holding another zoo) is a {@link dev.orbit.zoo.format.ZooFormatException} whose message is
 * one sentence naming the file.
 */
package dev.orbit.zoo.format;
