package dev.orbit.metanet.models;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import dev.orbit.metanet.space.WeightSpaceFeatures;

/**
 * A model that reads a batch of networks' weight-space features and returns one vector per network
 * (B, outputSize): {@link InvariantNfn}, {@link StatNn} and {@link FlatMlp}. For training, call the
 * block's {@code forward} on {@link WeightSpaceFeatures#toNDList()} as any DJL block.
 */
public interface WeightSpacePredictor extends Block {

    /**
     * Runs the initialised model for inference (no dropout) on {@code features}, whose arrays'
     * manager also owns the result.
     *
     * @return (B, outputSize) one prediction per network of the batch
     */
    default NDArray predict(WeightSpaceFeatures features) {
        return Inference.forward(this, features).singletonOrThrow();
    }
}
