package dev.orbit.zoo;

/**
 * One saved checkpoint of one zoo member: the unit a zoo writer stores and a zoo reader yields.
 *
 * @param networkId the member's index in the zoo, 0-based
 * @param epoch epochs trained when the checkpoint was taken (0 = at initialisation)
 * @param hyperparameters the member's recipe
 * @param weights flat parameters in the NetworkSpec's canonical order (W_0, b_0, W_1, b_1, ...)
 * @param metrics accuracy and loss at this checkpoint
 */
public record CheckpointRecord(
        int networkId, int epoch, Hyperparameters hyperparameters, float[] weights, CheckpointMetrics metrics) {}
