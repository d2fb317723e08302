package dev.orbit.zoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerKind;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * M networks of one spec computed as one: convolution weights stacked to (M·out, in, kh, kw) and run
 * as a grouped convolution (groups = M) on inputs whose channel blocks are the members' own images;
 * dense weights stacked to (M, out, in) and run as a batched matrix product on (M, N, in).
 */
final class StackedNetworks implements MemberStack {

    private final NetworkSpec spec;
    private final int members;
    private final NDManager manager;
    private final List<NDArray> parameters = new ArrayList<>();

    /**
     * @param initial one canonical flat parameter vector per member
     */
    StackedNetworks(NetworkSpec spec, List<float[]> initial, NDManager parent) {
        this.spec = spec;
        this.members = initial.size();
        this.manager = parent.newSubManager();
        long offset = 0;
        for (LayerSpec layer : spec.layers()) {
            Shape w = layer.kind() == LayerKind.CONV2D
                    ? new Shape(members * (long) layer.outNeurons(), layer.inNeurons(), layer.kernelHeight(), layer.kernelWidth())
                    : new Shape(members, layer.outNeurons(), layer.inNeurons());
            Shape b = layer.kind() == LayerKind.CONV2D
                    ? new Shape(members * (long) layer.outNeurons())
                    : new Shape(members, layer.outNeurons());
            parameters.add(stack(initial, offset, layer.weightCount(), w));
            offset += layer.weightCount();
            parameters.add(stack(initial, offset, layer.outNeurons(), b));
            offset += layer.outNeurons();
        }
    }

    private NDArray stack(List<float[]> initial, long offset, long size, Shape shape) {
        float[] values = new float[Math.toIntExact(members * size)];
        for (int m = 0; m < members; m++) {
            System.arraycopy(initial.get(m), (int) offset, values, (int) (m * size), (int) size);
        }
        NDArray array = manager.create(values, shape);
        array.setRequiresGradient(true);
        return array;
    }

    @Override
    public NDArray forward(NDArray x, List<NDArray> dropoutMasks, boolean training) {
        return run(x, dropoutMasks, false);
    }

    @Override
    public NDArray forwardShared(NDArray x) {
        return run(x, null, true);
    }

    /**
     * @param shared x is one batch every member sees, (n, C, H, W) or (n, F): the first layer then
     *     runs as one ordinary convolution (or broadcast product) with all members' filters, which is
     *     about twice as fast as the grouped one on replicated images
     */
    private NDArray run(NDArray x, List<NDArray> dropoutMasks, boolean shared) {
        int hidden = 0;
        long batch = x.getShape().get(convolutional() || shared ? 0 : 1); // N
        for (int l = 0; l < spec.numLayers(); l++) {
            LayerSpec layer = spec.layer(l);
            NDArray w = parameters.get(2 * l);
            NDArray b = parameters.get(2 * l + 1);
            boolean first = l == 0 && shared;
            if (layer.kind() == LayerKind.CONV2D) {
                NDArray kernel = first ? channelsLast(w) : w;
                x = Conv2d.conv2d(x, kernel, b, new Shape(layer.stride(), layer.stride()),
                        new Shape(layer.padding(), layer.padding()), new Shape(1, 1), first ? 1 : members)
                        .singletonOrThrow(); // (N, M·out, H', W')
            } else {
                if (l > 0 && spec.layer(l - 1).kind() == LayerKind.CONV2D) {
                    x = Pool.globalAvgPool2d(x) // (N, M·C)
                            .reshape(batch, members, layer.inNeurons()) // (N, M, C)
                            .transpose(1, 0, 2); // (M, N, C)
                }
                // first && shared: (N, in) x (M, in, out) broadcasts to (M, N, out)
                x = x.matMul(w.transpose(0, 2, 1)) // (M, N, out)
                        .add(b.expandDims(1)); // (M, N, out) + (M, 1, out)
            }
            if (layer.activation() != ActivationKind.IDENTITY) {
                x = layer.activation().apply(x);
                if (dropoutMasks != null && l + 1 < spec.numLayers()) {
                    x = x.mul(dropoutMasks.get(hidden));
                }
                hidden++;
            }
        }
        return x; // (M, N, K)
    }

    /** The same (O, C, kh, kw) kernel over channels-last storage (O, kh, kw, C), which oneDNN prefers. */
    private static NDArray channelsLast(NDArray w) {
        Shape s = w.getShape();
        return w.transpose(0, 2, 3, 1).reshape(s.get(0), s.get(2), s.get(3), s.get(1)).transpose(0, 3, 1, 2);
    }

    private boolean convolutional() {
        return spec.layer(0).kind() == LayerKind.CONV2D;
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
