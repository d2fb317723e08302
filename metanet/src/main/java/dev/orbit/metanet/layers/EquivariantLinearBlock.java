package dev.orbit.metanet.layers;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.symmetry.PermutationGroup;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The DJL block around an {@link EquivariantLinearMap}: what {@link NpLinear} and {@link HnpLinear}
 * share. The two differ only in which neuron boundaries count as permutable.
 */
public abstract class EquivariantLinearBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final String name;
    private final NetworkSpec spec;
    private final int inChannels;
    private final int outChannels;
    private final EquivariantLinearMap map;

    EquivariantLinearBlock(String name, Builder<?, ?> builder, PermutationGroup permutable) {
        super(VERSION);
        this.name = name;
        this.spec = builder.spec;
        this.inChannels = builder.inChannels;
        this.outChannels = builder.outChannels;
        this.map = new EquivariantLinearMap(spec, inChannels, outChannels, permutable);
        map.parameters().forEach(this::addParameter);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        map.checkInputs(inputs, name);
        return map.forward(parameterStore, inputs, training); // W_l: (B, n_l, n_{l-1}, C_out * f_l), b_l: (B, n_l, C_out)
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        map.prepare(inputShapes, name);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return map.outputShapes(inputShapes, name);
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        super.saveMetadata(os);
        map.saveSignature(os);
    }

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        super.loadMetadata(loadVersion, is);
        map.checkSignature(is, name);
    }

    /** The network architecture whose weight space this layer acts on. */
    public NetworkSpec getNetworkSpec() {
        return spec;
    }

    public int getInChannels() {
        return inChannels;
    }

    public int getOutChannels() {
        return outChannels;
    }

    /** The terms and pooled quantities, for tests and NFN parameter mapping. */
    EquivariantLinearMap map() {
        return map;
    }

    @Override
    public String toString() {
        return name + "(" + map + ")";
    }

    /**
     * The settings both layers need.
     *
     * @param <B> the concrete builder
     * @param <T> the layer it builds
     */
    public abstract static class Builder<B extends Builder<B, T>, T extends EquivariantLinearBlock> {
        NetworkSpec spec;
        int inChannels = 1;
        int outChannels = -1;

        Builder() {}

        /** Required: the architecture of the networks whose weights the layer reads. */
        public B setNetworkSpec(NetworkSpec spec) {
            this.spec = spec;
            return self();
        }

        /** Optional feature channels C_in per weight entry; default 1 (raw weights). */
        public B optInChannels(int inChannels) {
            this.inChannels = inChannels;
            return self();
        }

        /** Required: feature channels C_out of the output. */
        public B setOutChannels(int outChannels) {
            this.outChannels = outChannels;
            return self();
        }

        /** Validates the settings and builds the layer. */
        public abstract T build();

        abstract B self();
    }
}
