package dev.orbit.metanet.space;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.Locale;

/**
 * An elementwise non-linearity, with the parameter-space symmetries it admits: the activation of a
 * network's layer ({@link LayerSpec}) and of a metanet's own layers ({@code WeightSpaceActivation},
 * {@code MlpHead}).
 *
 * <p>Positively homogeneous activations (σ(a·x) = a·σ(x) for a &gt; 0) admit positive scaling of a
 * hidden neuron; odd activations (σ(-x) = -σ(x)) admit sign flips (docs/DESIGN.md §1).
 */
public enum ActivationKind {
    RELU(true, false),
    /** LeakyReLU with PyTorch's default negative slope 0.01. */
    LEAKY_RELU(true, false),
    TANH(false, true),
    SINE(false, true),
    IDENTITY(true, true),
    /** GELU, as DJL's {@link Activation#gelu(NDArray)}. */
    GELU(false, false),
    SIGMOID(false, false),
    /** SiLU / swish with beta = 1. */
    SILU(false, false);

    private final boolean positivelyHomogeneous;
    private final boolean odd;

    ActivationKind(boolean positivelyHomogeneous, boolean odd) {
        this.positivelyHomogeneous = positivelyHomogeneous;
        this.odd = odd;
    }

    /** True when scaling a neuron's input by a &gt; 0 scales its output by a: ReLU, LeakyReLU. */
    public boolean admitsPositiveScaling() {
        return positivelyHomogeneous;
    }

    /** True when negating a neuron's input negates its output: tanh, sine. */
    public boolean admitsSignFlip() {
        return odd;
    }

    /**
     * Applies the activation elementwise. ReLU is libtorch's own relu: its gradient at exactly 0 is
     * 0 (that of {@code maximum(x, 0)} would be 1/2), and its backward is one pass.
     */
    public NDArray apply(NDArray x) {
        switch (this) {
            case RELU:
                return Activation.relu(x);
            case LEAKY_RELU:
                return x.maximum(x.mul(0.01f));
            case TANH:
                return x.tanh();
            case SINE:
                return x.sin();
            case GELU:
                return Activation.gelu(x);
            case SIGMOID:
                return Activation.sigmoid(x);
            case SILU:
                return x.mul(Activation.sigmoid(x));
            default:
                return x;
        }
    }

    /** Lower-case name used in files, configs and on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #id()}; the error lists the known names. */
    public static ActivationKind parse(String name) {
        for (ActivationKind kind : values()) {
            if (kind.id().equalsIgnoreCase(name) || kind.name().equalsIgnoreCase(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(
                "Unknown activation '" + name + "'; expected one of relu, leaky_relu, tanh, sine, identity, gelu, sigmoid, silu");
    }
}
