package dev.orbit.metanet.models;

import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.symmetry.PermutationGroup;

/**
 * The settings of the equivariant layers that {@link EquivariantNfn} and {@link InvariantNfn} share
 * (NFN, Zhou et al. 2023, §3): the architecture read, the variant, the channels of the hidden
 * layers, their activation and the optional input embeddings. Each model's builder adds what it
 * puts after those layers.
 *
 * @param <B> the concrete builder, so that setters chain
 */
public abstract class NfnBuilder<B extends NfnBuilder<B>> {
    NetworkSpec spec;
    PermutationGroup variant;
    int inChannels = 1;
    int[] hiddenChannels;
    ActivationKind activation = ActivationKind.RELU;
    float featureDropout;
    boolean ioEmbedding;
    int fourierMappingSize;
    float fourierSigma = 10f;
    long fourierSeed;

    NfnBuilder(int... defaultHiddenChannels) {
        this.hiddenChannels = defaultHiddenChannels;
    }

    /** Required: the architecture of the networks whose weights the model reads. */
    public B setNetworkSpec(NetworkSpec spec) {
        this.spec = spec;
        return self();
    }

    /** Required: NP (every neuron permutable) or HNP (hidden neurons only). */
    public B setVariant(PermutationGroup variant) {
        this.variant = variant;
        return self();
    }

    /** Optional input channels; default 1 (raw weights). */
    public B optInChannels(int inChannels) {
        this.inChannels = inChannels;
        return self();
    }

    /** Optional channels of the hidden equivariant layers; the default is the model's. May be empty. */
    public B optHiddenChannels(int... hiddenChannels) {
        this.hiddenChannels = hiddenChannels.clone();
        return self();
    }

    /** Optional activation after every hidden equivariant layer (and in a head, if any); default ReLU. */
    public B optActivation(ActivationKind activation) {
        this.activation = activation;
        return self();
    }

    /**
     * Optional dropout rate on every weight-space entry after each hidden equivariant layer's
     * activation; default 0.
     */
    public B optFeatureDropout(float featureDropout) {
        this.featureDropout = featureDropout;
        return self();
    }

    /**
     * Optional learned input/output embedding before every equivariant layer (NFN's NP-PosEmb), so
     * that an NP model can tell input and output neurons apart; default off.
     */
    public B optIoEmbedding(boolean ioEmbedding) {
        this.ioEmbedding = ioEmbedding;
        return self();
    }

    /** Optional Gaussian Fourier features of every input entry (2M channels); default off. */
    public B optFourierFeatures(int mappingSize, float sigma, long seed) {
        this.fourierMappingSize = mappingSize;
        this.fourierSigma = sigma;
        this.fourierSeed = seed;
        return self();
    }

    abstract B self();

    /** The checks of the shared settings but Fourier features, with the messages a user sees. */
    void checkLayerSettings(String model) {
        EquivariantNfnStack.checkSettings(model, spec, variant, inChannels, hiddenChannels, activation, featureDropout);
    }

    void checkFourierSettings(String model) {
        if (fourierMappingSize < 0) {
            throw new IllegalArgumentException(model + " Fourier mapping size must be positive, got " + fourierMappingSize);
        }
    }

    /**
     * The blocks both models start with: optional Fourier features, then for every hidden width
     * [input/output embedding] -> equivariant layer -> activation -> [dropout].
     */
    EquivariantNfnStack newHiddenStack() {
        EquivariantNfnStack stack = new EquivariantNfnStack(spec, variant, inChannels);
        if (fourierMappingSize > 0) {
            stack.addFourierFeatures(fourierMappingSize, fourierSigma, fourierSeed);
        }
        for (int i = 0; i < hiddenChannels.length; i++) {
            stack.addEquivariantLayer(i, hiddenChannels[i], ioEmbedding);
            stack.addActivation(i, activation);
            stack.addDropout(i, featureDropout);
        }
        return stack;
    }
}
