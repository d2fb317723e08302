package dev.orbit.metanet.space;

/** The kind of a parametrised layer in a {@link NetworkSpec}. */
public enum LayerKind {
    /** A fully connected layer, DJL {@code Linear}: weight (out, in). */
    DENSE,
    /** A 2-D convolution, DJL {@code Conv2d}: weight (out, in, kh, kw); its neurons are channels. */
    CONV2D
}
