package dev.orbit.training.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.orbit.metanet.models.EquivariantNfn;
import dev.orbit.metanet.models.FlatMlp;
import dev.orbit.metanet.models.MlpHead;
import dev.orbit.metanet.models.WeightAutoencoder;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationGroup;

/**
 * The network of a generative model over weights. For flow matching it predicts the velocity from
 * noisy weights and a condition: an HNP {@link EquivariantNfn} reading the condition per channel
 * ({@code nfn-hnp-diffusion}, equivariant to hidden-neuron permutations, so the learned density is
 * invariant to them), or a {@link FlatMlp} over the parameter vector and the condition
 * ({@code flat-diffusion}, the baseline that is not). For the {@code autoencoder} baseline it is a
 * {@link WeightAutoencoder} (Schürholt et al. 2022), trained to reconstruct, not conditioned.
 *
 * <p>All read standardised weights (C = 1: W_l (B, n_l, n_{l-1}, f_l), b_l (B, n_l, 1)); the flows
 * also a condition (B, E), and give a velocity of the weights' shapes.
 */
public final class Denoiser {

    /** Latent size of the autoencoder baseline. */
    static final int LATENT_SIZE = 64;
    /** Standard deviation of the input noise the autoencoder learns to remove (a denoising autoencoder). */
    static final float AUTOENCODER_NOISE = 0.05f;

    private final String model;
    private final NetworkSpec spec;
    private final int conditionSize;
    private final Block block;

    private Denoiser(String model, NetworkSpec spec, int conditionSize, Block block) {
        this.model = model;
        this.spec = spec;
        this.conditionSize = conditionSize;
        this.block = block;
    }

    /** A new, uninitialised network of the configured kind for {@code spec}, reading a condition of {@code conditionSize}. */
    public static Denoiser create(GeneratorConfig config, NetworkSpec spec, int conditionSize) {
        Block block;
        if (GeneratorConfig.NFN_HNP_DIFFUSION.equals(config.model())) {
            // SiLU: a smooth activation, as diffusion denoisers use; the condition enters every hidden layer.
            block = EquivariantNfn.builder().setNetworkSpec(spec).setVariant(PermutationGroup.HNP)
                    .optHiddenChannels(config.hiddenChannels()).optActivation(ActivationKind.SILU)
                    .optConditionSize(conditionSize).optOutChannels(1).build();
        } else if (config.isAutoencoder()) {
            block = WeightAutoencoder.builder().setNetworkSpec(spec).optLatentSize(LATENT_SIZE)
                    .optMlp(config.flatWidth(), config.flatDepth()).build();
        } else {
            MlpHead head = MlpHead.builder().setHiddenWidth(config.flatWidth()).setDepth(config.flatDepth())
                    .setOutputSize(Math.toIntExact(spec.parameterCount())).optActivation(ActivationKind.SILU).build();
            block = FlatMlp.builder().setNetworkSpec(spec).setHead(head).optConditionSize(conditionSize).build();
        }
        return new Denoiser(config.model(), spec, conditionSize, block);
    }

    /** Initialises the parameters (from the engine's seeded generator) on {@code manager}. */
    public void initialize(NDManager manager) {
        boolean conditioned = !(block instanceof WeightAutoencoder);
        Shape[] input = new Shape[2 * spec.numLayers() + (conditioned ? 1 : 0)];
        int[] n = spec.neuronCounts();
        for (int l = 0; l < spec.numLayers(); l++) {
            input[2 * l] = new Shape(1, n[l + 1], n[l], spec.layer(l).filterSize());
            input[2 * l + 1] = new Shape(1, n[l + 1], 1);
        }
        if (conditioned) {
            input[input.length - 1] = new Shape(1, conditionSize);
        }
        block.initialize(manager, DataType.FLOAT32, input);
    }

    /**
     * The training loss of a batch: flow matching's ({@link FlowMatching#loss}), or the
     * autoencoder's mean squared reconstruction error of {@code data} from {@code data} plus
     * {@value #AUTOENCODER_NOISE} times {@code noise}.
     */
    NDArray trainingLoss(ParameterStore store, ConditionEmbedding embedding, WeightSpaceFeatures data,
            WeightSpaceFeatures noise, float[] t, double[] targets, ActivationKind[] activations, boolean training) {
        if (!(block instanceof WeightAutoencoder)) {
            return FlowMatching.loss(this, store, embedding, data, noise, t, targets, activations, training);
        }
        NDList noisy = new NDList();
        for (int i = 0; i < data.numLayers(); i++) {
            noisy.add(data.weight(i).add(noise.weight(i).mul(AUTOENCODER_NOISE)));
            noisy.add(data.bias(i).add(noise.bias(i).mul(AUTOENCODER_NOISE)));
        }
        NDArray reconstruction = block.forward(store, noisy, training).get(0); // (B, P)
        return reconstruction.sub(data.toFlat(spec)).square().mean(); // ()
    }

    /**
     * The predicted velocity (flows only).
     *
     * @param x standardised noisy weights, C = 1
     * @param condition (B, E)
     * @param training whether this is a training pass
     * @return features of the shapes of {@code x}
     */
    public WeightSpaceFeatures velocity(ParameterStore store, WeightSpaceFeatures x, NDArray condition, boolean training) {
        NDList inputs = x.toNDList();
        inputs.add(condition);
        NDList out = block.forward(store, inputs, training);
        if (block instanceof FlatMlp) {
            return WeightSpaceFeatures.fromFlat(spec, out.singletonOrThrow()); // (B, P) -> layers
        }
        return WeightSpaceFeatures.fromNDList(out);
    }

    /** The autoencoder's latents (B, D) of standardised weights. */
    NDArray encode(ParameterStore store, WeightSpaceFeatures x) {
        return ((WeightAutoencoder) block).forward(store, x.toNDList(), false).get(1);
    }

    /** The standardised weights the autoencoder decodes latents (B, D) to. */
    WeightSpaceFeatures decode(ParameterStore store, NDArray latent) {
        return WeightSpaceFeatures.fromFlat(spec, ((WeightAutoencoder) block).decode(store, latent, false)); // (B, P) -> layers
    }

    /** The DJL block, for its parameters (optimiser, files). */
    public Block block() {
        return block;
    }

    /** {@code nfn-hnp-diffusion}, {@code flat-diffusion} or {@code autoencoder}. */
    public String model() {
        return model;
    }

    public NetworkSpec spec() {
        return spec;
    }

    public int conditionSize() {
        return conditionSize;
    }

    @Override
    public String toString() {
        return model + ": " + block;
    }
}
