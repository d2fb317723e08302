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
 * NFN's NP layer (Zhou et al., "Permutation Equivariant Neural Functionals", NeurIPS 2023, §3): the
 * linear map between weight spaces, C_in -> C_out channels, that commutes with permutations of
 * <em>every</em> neuron boundary, input and output included (DOMAIN.md §3).
 *
 * <p>Input and output are the interleaved weight-space NDList W_0, b_0, W_1, b_1, ... with weights
 * (B, n_l, n_{l-1}, C * f_l) and biases (B, n_l, C), f_l the folded kernel size. Each output is a
 * sum of learned channel mixes of W_l itself, the global means of every W_j and b_j, the neuron
 * features of its input neurons (broadcast along rows) and of its output neurons (broadcast along
 * columns); see {@link HnpLinear} for the variant with fixed input and output neurons. Because the
 * input and output neurons count as permutable, NP is also equivariant to permutations the network
 * itself does not have; a learned input/output embedding breaks that when needed.
 *
 * <p>Initialisation: each output's terms start N(0, 2 / fan-in), fan-in summed over its terms (NFN's
 * {@code kaiming_normal}), constants at zero, so feature scales stay steady through deep ReLU stacks.
 */
public final class NpLinear extends AbstractBlock {

    private static final byte VERSION = 1;

    private final NetworkSpec spec;
    private final int inChannels;
    private final int outChannels;
    private final EquivariantLinearMap map;

    NpLinear(Builder builder) {
        super(VERSION);
        this.spec = builder.spec;
        this.inChannels = builder.inChannels;
        this.outChannels = builder.outChannels;
        this.map = new EquivariantLinearMap(spec, inChannels, outChannels, PermutableNeurons.ALL);
        map.parameters().forEach(this::addParameter);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        map.checkInputs(inputs, "NpLinear");
        return map.forward(parameterStore, inputs, training); // W_l: (B, n_l, n_{l-1}, C_out * f_l), b_l: (B, n_l, C_out)
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        map.prepare(inputShapes, "NpLinear");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return map.outputShapes(inputShapes, "NpLinear");
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        super.saveMetadata(os);
        map.saveSignature(os);
    }

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        super.loadMetadata(loadVersion, is);
        map.checkSignature(is, "NpLinear");
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
        return "NpLinear(" + map + ")";
    }

    /** Builds an {@link NpLinear}. */
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

        public NpLinear build() {
            EquivariantLinearMap.checkSettings("NpLinear", spec, inChannels, outChannels);
            return new NpLinear(this);
        }
    }
}
