package dev.orbit.zoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.orbit.metanet.space.LayerKind;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * One network as the plain DJL block {@link NetworkSpec#toBlock(float)} builds, seen as a stack of
 * M = 1. Dropout is a lambda after each hidden activation that applies the mask the trainer draws,
 * so the block drops exactly the units the batched trainer drops for this member.
 */
final class BlockNetwork implements MemberStack {

    private final NetworkSpec spec;
    private final NDManager manager;
    private final SequentialBlock block;
    private final ParameterStore store;
    private final List<NDArray> parameters = new ArrayList<>();
    private List<NDArray> masks;

    BlockNetwork(NetworkSpec spec, float[] initial, NDManager parent) {
        this.spec = spec;
        this.manager = parent.newSubManager();
        this.block = withDropoutHooks(spec.toBlock(0f));
        block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(new Shape(spec.inputShape())));
        parameters.addAll(spec.copyToBlock(initial, block));
        this.store = new ParameterStore(manager, false);
    }

    private SequentialBlock withDropoutHooks(SequentialBlock plain) {
        SequentialBlock hooked = new SequentialBlock();
        Block previous = null;
        int hidden = 0;
        int parametrised = 0;
        for (Pair<String, Block> child : plain.getChildren()) {
            Block current = child.getValue();
            hooked.add(current);
            if (current instanceof Conv2d || current instanceof Linear) {
                parametrised++;
            }
            boolean isActivation = current instanceof LambdaBlock
                    && (previous instanceof Conv2d || previous instanceof Linear);
            if (isActivation && parametrised < spec.numLayers()) {
                int index = hidden++;
                hooked.add(new LambdaBlock(list -> masks == null ? list : new NDList(list.singletonOrThrow().mul(masks.get(index))),
                        "dropout" + index));
            }
            previous = current;
        }
        return hooked;
    }

    @Override
    public NDArray forward(NDArray x, List<NDArray> dropoutMasks, boolean training) {
        boolean dense = spec.layer(0).kind() == LayerKind.DENSE;
        if (dense) {
            x = x.reshape(x.getShape().get(1), x.getShape().get(2)); // (1, N, F) -> (N, F)
        }
        if (dropoutMasks != null) {
            List<NDArray> unstacked = new ArrayList<>();
            for (NDArray mask : dropoutMasks) {
                // dense masks are (1, N, F); convolution masks (N, C, H', W') already fit
                unstacked.add(mask.getShape().dimension() == 3 ? mask.squeeze(0) : mask);
            }
            masks = unstacked;
        }
        try {
            NDArray logits = block.forward(store, new NDList(x), training).singletonOrThrow(); // (N, K)
            return logits.expandDims(0); // (1, N, K)
        } finally {
            masks = null;
        }
    }

    @Override
    public NDArray forwardShared(NDArray x) {
        return block.forward(store, new NDList(x), false).singletonOrThrow().expandDims(0); // (1, n, K)
    }

    @Override
    public List<NDArray> parameters() {
        return parameters;
    }

    @Override
    public void close() {
        manager.close();
    }
}
