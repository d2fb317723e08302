package dev.orbit.metanet.symmetry;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.testing.TestNetworks;
import java.util.Random;

/** A small regression problem for a network of a spec: loss, gradient and plain gradient-descent steps. */
final class GradientFlowFixture {

    final NetworkSpec spec;
    final NDManager manager;
    final Block block;
    final NDArray x;
    final NDArray y;

    GradientFlowFixture(NDManager manager, NetworkSpec spec, long seed) {
        this.spec = spec;
        this.manager = manager;
        this.block = TestNetworks.initialisedBlock(manager, spec, 0.4f, seed);
        Random random = new Random(seed);
        this.x = TestNetworks.gaussian(manager, random, new Shape(64).addAll(new Shape(spec.inputShape())));
        int outputs = spec.layer(spec.numLayers() - 1).outNeurons();
        this.y = TestNetworks.gaussian(manager, random, new Shape(64, outputs));
    }

    float[] weights() {
        return WeightSpaceFeatures.fromBlock(spec, block).toFlat(spec).toFloatArray();
    }

    void setWeights(float[] flat) {
        spec.copyToBlock(flat, block);
    }

    /** Mean squared error on the fixed batch. */
    float loss() {
        NDArray out = block.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
        return out.sub(y).square().mean().getFloat();
    }

    /** The gradient of {@link #loss()} (plus {@code l2}·Σθ²) in canonical flat order. */
    float[] gradient(float l2) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray out = block.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
            NDArray loss = out.sub(y).square().mean();
            if (l2 > 0) {
                for (var p : block.getParameters()) {
                    loss = loss.add(p.getValue().getArray().square().sum().mul(l2));
                }
            }
            collector.backward(loss);
        }
        float[] g = new float[Math.toIntExact(spec.parameterCount())];
        int offset = 0;
        for (Block layer : NetworkSpec.layerBlocks(block)) {
            for (String name : new String[] {"weight", "bias"}) {
                NDArray grad = layer.getParameters().get(name).getArray().getGradient();
                float[] part = grad.toFloatArray();
                grad.set(new ai.djl.ndarray.index.NDIndex(":"), 0f); // the collector accumulates: start the next backward at 0
                System.arraycopy(part, 0, g, offset, part.length);
                offset += part.length;
            }
        }
        return g;
    }

    /** {@code steps} steps of plain gradient descent. */
    void descend(int steps, float lr, float l2) {
        for (int s = 0; s < steps; s++) {
            float[] w = weights();
            float[] g = gradient(l2);
            for (int i = 0; i < w.length; i++) {
                w[i] -= lr * g[i];
            }
            setWeights(w);
        }
    }
}
