package dev.orbit.metanet.layers;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orbit.metanet.space.NetworkSpec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * NFN's HNP layer (Zhou et al., "Permutation Equivariant Neural Functionals", NeurIPS 2023, §3 and
 * App. B): the linear map between weight spaces, C_in -> C_out channels, that commutes with every
 * permutation of <em>hidden</em> neurons while the network's input and output neurons keep their
 * order (DOMAIN.md §3). This is the exact symmetry of an MLP or CNN, so HNP has more terms than
 * {@link NpLinear}: a fixed neuron axis is folded into channels, so W_0's rows, W_{L-1}'s columns and
 * the output bias are read whole rather than averaged.
 *
 * <p>Input and output are the interleaved weight-space NDList W_0, b_0, W_1, b_1, ... with weights
 * (B, n_l, n_{l-1}, C * f_l) and biases (B, n_l, C). The network needs at least two layers (one
 * hidden boundary); a single layer has nothing to permute.
 *
 * <p>Compared with NFN's {@code HNPLinear} this map also lets the last layer's weights read the
 * previous layer's bias (b_{L-2} broadcast along the output rows), an equivariant term NFN's code
 * leaves out; every NFN term is here, so NFN's parameters load exactly (that term set to zero).
 *
 * <p>Initialisation: each output's terms start N(0, 2 / fan-in), fan-in summed over its terms (NFN's
 * {@code kaiming_normal}), constants at zero, so feature scales stay steady through deep ReLU stacks.
 */
public final class HnpLinear extends AbstractBlock {

    private static final byte VERSION = 1;

    private final NetworkSpec spec;
    private final int inChannels;
    private final int outChannels;
    private final EquivariantLinearMap map;

    HnpLinear(Builder builder) {
        super(VERSION);
        this.spec = builder.spec;
        this.inChannels = builder.inChannels;
        this.outChannels = builder.outChannels;
        this.map = new EquivariantLinearMap(spec, inChannels, outChannels, PermutableNeurons.HIDDEN);
        map.parameters().forEach(this::addParameter);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        map.checkInputs(inputs, "HnpLinear");
        return map.forward(parameterStore, inputs, training); // W_l: (B, n_l, n_{l-1}, C_out * f_l), b_l: (B, n_l, C_out)
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        map.prepare(inputShapes, "HnpLinear");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return map.outputShapes(inputShapes, "HnpLinear");
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        super.saveMetadata(os);
        map.saveSignature(os);
    }

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        super.loadMetadata(loadVersion, is);
        map.checkSignature(is, "HnpLinear");
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
        return "HnpLinear(" + map + ")";
    }

    /** Builds an {@link HnpLinear}. */
    public static final class Builder {
        private NetworkSpec spec;
        private int inChannels = -1;
        private int outChannels = -1;

        Builder() {}

        /** Required: the architecture of the networks whose weights the layer reads. */
        public Builder setNetworkSpec(NetworkSpec spec) {
            this.spec = spec;
            return this;
        }

        /** Required: feature channels C_in per weight entry (1 for raw weights). */
        public Builder setInChannels(int inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        /** Required: feature channels C_out of the output. */
        public Builder setOutChannels(int outChannels) {
            this.outChannels = outChannels;
            return this;
        }

        public HnpLinear build() {
            EquivariantLinearMap.checkSettings("HnpLinear", spec, inChannels, outChannels);
            if (spec.numLayers() < 2) {
                throw new IllegalArgumentException("HnpLinear needs a network with at least two layers (a hidden "
                        + "boundary to permute); " + spec.describe() + " has one: use NpLinear");
            }
            return new HnpLinear(this);
        }
    }
}
