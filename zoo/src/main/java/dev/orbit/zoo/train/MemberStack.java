package dev.orbit.zoo.train;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * M networks of one spec seen along a model axis: what {@link GroupTrainer} needs from a model. The
 * batched trainer stacks M networks ({@link StackedNetworks}); the one-at-a-time trainer wraps a DJL
 * block ({@link BlockNetwork}, M = 1).
 */
interface MemberStack extends AutoCloseable {

    /**
     * The forward pass in the group layout.
     *
     * @param x (N, M·C, H, W) for a CNN, (M, N, F) for an MLP
     * @param dropoutMasks one scaled keep mask per hidden layer in the layout of that layer's output
     *     ((N, M·C, H', W') or (M, N, F); for a CNN its storage is (N, H', W', M·C)), or null for none
     * @param training whether this is a training pass
     * @return logits (M, N, K)
     */
    NDArray forward(NDArray x, List<NDArray> dropoutMasks, boolean training);

    /**
     * An inference pass on images every member sees, e.g. the test set.
     *
     * @param x (n, C, H, W) for a CNN, (n, F) for an MLP
     * @return logits (M, n, K)
     */
    NDArray forwardShared(NDArray x);

    /** The parameters in canonical order W_0, b_0, ...; each reshapes to (M, size) member by member. */
    List<NDArray> parameters();

    @Override
    void close();
}
