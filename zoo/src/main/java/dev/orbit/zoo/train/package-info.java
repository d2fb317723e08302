/**
 * Training model zoos: {@link dev.orbit.zoo.train.BatchedZooTrainer} trains many networks of one
 * {@code NetworkSpec} at once along a model axis (grouped convolutions, batched products), each with
 * its own recipe and seed; {@link dev.orbit.zoo.train.SingleNetworkTrainer} trains them one at a time
 * with the plain DJL block and gives the same weights. Both emit
 * {@link dev.orbit.zoo.CheckpointRecord}s to a {@link dev.orbit.zoo.train.CheckpointSink}.
 */
package dev.orbit.zoo.train;
