package dev.orbit.zoo.format;

import dev.orbit.zoo.CheckpointMetrics;
import dev.orbit.zoo.Hyperparameters;

/**
 * One row of a zoo's {@code metrics.csv}: where a checkpoint is stored and what it scored.
 *
 * @param row the checkpoint's zoo row (0-based; the row's position in {@code metrics.csv})
 * @param networkId the network
 * @param epoch the checkpoint's epoch
 * @param shard the shard holding its weights
 * @param shardRow its row within that shard
 * @param metrics accuracy and loss at this checkpoint
 * @param hyperparameters the network's recipe
 */
public record ZooMetricsRow(
        int row, int networkId, int epoch, int shard, int shardRow, CheckpointMetrics metrics,
        Hyperparameters hyperparameters) {}
