package dev.orbit.metanet.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerKind;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One golden file of NFN's reference layers (src/test/resources/golden/nfn, see its README.md): the
 * input and output features converted from NFN's channels-first layout to Orbit's, and NFN's
 * state_dict entries by name.
 */
final class NfnGolden {

    /** The architectures the generator used (tools/nfn-reference/make_golden.py). */
    enum Architecture {
        SMALL_CNN_ZOO,
        TINY_CNN,
        MLP_2_4_5_3,
        MLP_2_4_3,
        MLP_2_3;

        NetworkSpec spec() {
            ActivationKind relu = ActivationKind.RELU;
            switch (this) {
                case SMALL_CNN_ZOO:
                    return NetworkSpec.smallCnnZoo(relu);
                case TINY_CNN:
                    // conv 2->3 (2x3 kernel), conv 3->4 (1x2), dense 4->3: catches fold-order mistakes
                    return new NetworkSpec(List.of(
                            new LayerSpec(LayerKind.CONV2D, 3, 2, 2, 3, 1, 0, relu),
                            new LayerSpec(LayerKind.CONV2D, 4, 3, 1, 2, 1, 0, relu),
                            LayerSpec.dense(4, 3, ActivationKind.IDENTITY)), new long[] {2, 8, 8});
                case MLP_2_4_5_3:
                    return NetworkSpec.mlp(relu, 2, 4, 5, 3);
                case MLP_2_4_3:
                    return NetworkSpec.mlp(relu, 2, 4, 3);
                default:
                    return NetworkSpec.mlp(relu, 2, 3);
            }
        }
    }

    static final int IN_CHANNELS = 2;
    static final int OUT_CHANNELS = 3;

    private final Map<String, NDArray> tensors;
    private final NetworkSpec spec;
    private final String prefix;

    private NfnGolden(Map<String, NDArray> tensors, NetworkSpec spec, String prefix) {
        this.tensors = tensors;
        this.spec = spec;
        this.prefix = prefix;
    }

    /**
     * This file seen from one module of a whole model: {@link #parameter} names are relative to
     * {@code prefix} (e.g. {@code "nfnet_features.0."} or {@code "grad.nfnet_features.0."}).
     */
    NfnGolden within(String prefix) {
        return new NfnGolden(tensors, spec, this.prefix + prefix);
    }

    /** Reads {@code golden/nfn/<name>.safetensors} from the test resources. */
    static NfnGolden load(NDManager manager, String name, Architecture architecture) {
        String resource = "/golden/nfn/" + name + ".safetensors";
        try (InputStream in = NfnGolden.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing golden file " + resource);
            }
            Map<String, NDArray> tensors = new HashMap<>();
            for (NDArray array : NDList.decode(manager, in.readAllBytes())) {
                tensors.put(array.getName(), array);
            }
            return new NfnGolden(tensors, architecture.spec(), "");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read golden file " + resource, e);
        }
    }

    NetworkSpec spec() {
        return spec;
    }

    /** An NFN state_dict entry. */
    NDArray parameter(String name) {
        NDArray array = tensors.get(prefix + name);
        if (array == null) {
            throw new IllegalStateException("Golden file has no entry " + prefix + name + "; it has " + tensors.keySet());
        }
        return array;
    }

    boolean has(String name) {
        return tensors.containsKey(prefix + name);
    }

    /** The input features, Orbit layout, as the interleaved NDList. */
    NDList input() {
        return features("in").toNDList();
    }

    /** The reference layer's output features, Orbit layout. */
    WeightSpaceFeatures output() {
        return features("out");
    }

    /** The reference pool's output (B, C, K) flattened channel-major to (B, C * K), as NFN's heads do. */
    NDArray pooled() {
        NDArray pooled = parameter("out.pooled");
        return pooled.reshape(pooled.getShape().get(0), -1);
    }

    /**
     * The input as NFN's {@code NormalizingModule} sees it after {@code preprocess}: every entry
     * standardised with its own training-set mean and std (the buffers {@code mean_weights_l},
     * {@code std_weights_l}, {@code mean_bias_l}, {@code std_bias_l}), Orbit layout.
     */
    NDList standardisedInput() {
        List<NDArray> w = new ArrayList<>();
        List<NDArray> b = new ArrayList<>();
        for (int l = 0; l < spec.numLayers(); l++) {
            NDArray weight = parameter("in.weights." + l).sub(parameter("mean_weights_" + l)).div(parameter("std_weights_" + l));
            NDArray bias = parameter("in.biases." + l).sub(parameter("mean_bias_" + l)).div(parameter("std_bias_" + l));
            w.add(toOrbitWeight(weight));
            b.add(bias.transpose(0, 2, 1)); // (B, C, n) -> (B, n, C)
        }
        return WeightSpaceFeatures.of(w, b).toNDList();
    }

    private WeightSpaceFeatures features(String prefix) {
        List<NDArray> w = new ArrayList<>();
        List<NDArray> b = new ArrayList<>();
        for (int l = 0; l < spec.numLayers(); l++) {
            w.add(toOrbitWeight(parameter(prefix + ".weights." + l)));
            b.add(parameter(prefix + ".biases." + l).transpose(0, 2, 1)); // (B, C, n) -> (B, n, C)
        }
        return WeightSpaceFeatures.of(w, b);
    }

    /** NFN (B, C, n_out, n_in[, kh, kw]) -> Orbit (B, n_out, n_in, C * kh * kw), channel c * kh * kw + k. */
    static NDArray toOrbitWeight(NDArray nfn) {
        Shape s = nfn.getShape();
        if (s.dimension() == 4) {
            return nfn.transpose(0, 2, 3, 1);
        }
        return nfn.transpose(0, 2, 3, 1, 4, 5).reshape(s.get(0), s.get(2), s.get(3), -1);
    }
}
