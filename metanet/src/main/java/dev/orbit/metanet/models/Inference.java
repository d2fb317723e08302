package dev.orbit.metanet.models;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.orbit.metanet.space.WeightSpaceFeatures;

/** Runs a model on weight-space features for inference: the NDList plumbing the models' {@code predict} hides. */
final class Inference {

    private Inference() {}

    /** The model's forward pass in inference mode (no dropout) on the interleaved list W_0, b_0, W_1, b_1, .... */
    static NDList forward(Block model, WeightSpaceFeatures features) {
        ParameterStore store = new ParameterStore(features.weight(0).getManager(), false);
        return model.forward(store, features.toNDList(), false);
    }
}
