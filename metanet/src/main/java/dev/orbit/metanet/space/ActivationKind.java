package dev.orbit.metanet.space;

import ai.djl.ndarray.NDArray;
import java.util.Locale;

/**
 * The elementwise non-linearity after a layer, with the parameter-space symmetries it admits.
 *
 * <p>Positively homogeneous activations (σ(a·x) = a·σ(x) for a &gt; 0) admit positive scaling of a
 * hidden neuron; odd activations (σ(-x) = -σ(x)) admit sign flips (DOMAIN.md §1).
 */
public enum ActivationKind {
    RELU(true, false),
    LEAKY_RELU(true, false),
    TANH(false, true),
    SINE(false, true),
    IDENTITY(true, true);

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

    /** Applies the activation elementwise. */
    public NDArray apply(NDArray x) {
        switch (this) {
            case RELU:
                return x.maximum(0f);
            case LEAKY_RELU:
                return x.maximum(x.mul(0.01f));
            case TANH:
                return x.tanh();
            case SINE:
                return x.sin();
            default:
                return x;
        }
    }

    /** Lower-case name used in files and on the command line. */
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
                "Unknown activation '" + name + "'; expected one of relu, leaky_relu, tanh, sine, identity");
    }
}
