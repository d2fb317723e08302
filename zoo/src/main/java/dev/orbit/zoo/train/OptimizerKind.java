package dev.orbit.zoo.train;

import java.util.Locale;

/** The optimizers zoo members use, with PyTorch's default constants. */
enum OptimizerKind {
    /** Plain SGD: p -= lr * g. */
    SGD,
    /** Adam, as torch.optim.Adam: {@link dev.orbit.metanet.optim.Adam#stackedStep}. */
    ADAM,
    /** RMSprop, α = 0.99, ε = 1e-8, no momentum, not centred, as torch.optim.RMSprop. */
    RMSPROP;

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
