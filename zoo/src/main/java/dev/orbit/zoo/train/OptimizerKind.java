package dev.orbit.zoo.train;

import java.util.Locale;

/** The optimizers zoo members use, with PyTorch's default constants. */
enum OptimizerKind {
    /** Plain SGD: p -= lr * g. */
    SGD,
    /** Adam (Kingma and Ba 2015), β1 = 0.9, β2 = 0.999, ε = 1e-8, bias-corrected, as torch.optim.Adam. */
    ADAM,
    /** RMSprop, α = 0.99, ε = 1e-8, no momentum, not centred, as torch.optim.RMSprop. */
    RMSPROP;

    static final float ADAM_BETA1 = 0.9f;
    static final float ADAM_BETA2 = 0.999f;
    static final float RMSPROP_ALPHA = 0.99f;
    static final float EPSILON = 1e-8f;

    static OptimizerKind parse(String name) {
        for (OptimizerKind kind : values()) {
            if (kind.name().equalsIgnoreCase(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("Unknown optimizer '" + name + "'; expected sgd, adam or rmsprop");
    }

    String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
