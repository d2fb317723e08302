package dev.orbit.training.model;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.initializer.XavierInitializer;
import dev.orbit.metanet.models.FlatMlp;
import dev.orbit.metanet.models.InvariantNfn;
import dev.orbit.metanet.models.MlpHead;
import dev.orbit.metanet.models.StatNn;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.symmetry.PermutationGroup;
import java.util.List;

/**
 * Builds a metanet that reads a network's weights and predicts one number, by name:
 *
 * <ul>
 *   <li>{@code nfn-hnp}: invariant NFN with HNP layers (hidden neurons permutable: the exact
 *       symmetry of the zoo's networks);
 *   <li>{@code nfn-np}: invariant NFN with NP layers (every neuron treated as permutable) and a
 *       learned input/output embedding so it can still tell those neurons apart (NFN's
 *       {@code NP-PosEmb}, the NP model of its accuracy predictor, which pools with HNP), with NFN's
 *       head initialisation;
 *   <li>{@code nfn-hnp-stat}: {@code nfn-hnp} whose head also reads the StatNN statistics (NFN's
 *       {@code append_stats}): the pooled HNP features and the hand-made ones side by side;
 *   <li>{@code statnn}: per-layer weight statistics and an MLP (Unterthiner et al. 2020);
 *   <li>{@code flat-mlp}: an MLP on the flat weight vector (not invariant; the weak baseline).
 * </ul>
 *
 * Every model takes the interleaved weight-space NDList (C = 1) and returns (B, 1).
 */
public final class MetanetFactory {

    /** PyTorch's default Linear weight init, U(±1/sqrt(fan-in)), which NFN's heads keep. */
    private static final XavierInitializer NFN_LINEAR_INIT =
            new XavierInitializer(XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.IN, 1f);

    private static final List<String> NAMES = List.of("nfn-hnp", "nfn-np", "nfn-hnp-stat", "statnn", "flat-mlp");

    private MetanetFactory() {}

    /** The model names this factory builds. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * Builds an uninitialised block for networks of {@code spec}; with
     * {@link MetanetConfig#sigmoidOutput()} its output passes through a sigmoid.
     */
    public static Block create(MetanetConfig config, NetworkSpec spec) {
        Block model = createLinearOutput(config, spec);
        if (!config.sigmoidOutput()) {
            return model;
        }
        return new SequentialBlock().add(model).add(Activation::sigmoid); // (B, 1) in (0, 1)
    }

    private static Block createLinearOutput(MetanetConfig config, NetworkSpec spec) {
        requireKnown(config.name());
        switch (config.name()) {
            case "nfn-hnp":
            case "nfn-np":
            case "nfn-hnp-stat": {
                InvariantNfn nfn = InvariantNfn.builder()
                        .setNetworkSpec(spec)
                        .setVariant(config.name().equals("nfn-np") ? PermutationGroup.NP : PermutationGroup.HNP)
                        .optAppendStatistics(config.name().equals("nfn-hnp-stat"))
                        .optIoEmbedding(config.name().equals("nfn-np"))
                        .optPoolVariant(PermutationGroup.HNP) // NFN pools its NP predictor with HNP too
                        .setOutputSize(1)
                        .optHiddenChannels(config.hiddenChannels())
                        .optHeadWidth(config.headWidth())
                        .optHeadDepth(config.headDepth())
                        .optHeadDropout(config.dropout())
                        .build();
                if (config.name().equals("nfn-np")) {
                    // NFN's head init, U(±1/sqrt(fan-in)) (PyTorch's Linear default), not Xavier: on
                    // standardised weights plus the N(0, 1) embeddings the pooled features are O(1), and
                    // with a Xavier head the first Adam step moved the logit by ~14 (fmnist-2k): the
                    // sigmoid saturated, cross-entropy had no gradient left, and the prediction stayed constant.
                    nfn.getHead().setInitializer(NFN_LINEAR_INIT, Parameter.Type.WEIGHT);
                }
                return nfn;
            }
            case "statnn":
                return StatNn.builder().setNetworkSpec(spec).setHead(head(config)).build();
            default:
                return FlatMlp.builder().setNetworkSpec(spec).setHead(head(config)).build();
        }
    }

    /**
     * Whether a model reads weights standardised per layer (rather than raw) by default, as NFN's
     * predictor configs: {@code nfn-np} yes (its learned input/output embedding, N(0, 1), swamps
     * raw weights: test tau ~0 on the Fashion-MNIST zoo), the others no (raw weights were better on
     * both the Fashion-MNIST CNN and digits MLP zoos, README "Predicting").
     */
    public static boolean readsStandardisedWeights(String name) {
        requireKnown(name);
        return name.equals("nfn-np");
    }

    private static MlpHead head(MetanetConfig config) {
        return MlpHead.builder()
                .setHiddenWidth(config.headWidth())
                .setDepth(config.headDepth())
                .setOutputSize(1)
                .optDropout(config.dropout())
                .build();
    }

    static void requireKnown(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("Unknown model '" + name + "'; expected one of " + String.join(", ", NAMES));
        }
    }
}
