package dev.orbit.metanet.space;

import ai.djl.ndarray.types.Shape;

/**
 * One parametrised layer of a network: its kind, neuron counts, kernel geometry and the activation
 * that follows it.
 *
 * @param kind dense or 2-D convolution
 * @param outNeurons output neurons (units or output channels)
 * @param inNeurons input neurons (features or input channels)
 * @param kernelHeight kernel height (1 for dense)
 * @param kernelWidth kernel width (1 for dense)
 * @param stride convolution stride (1 for dense)
 * @param padding symmetric zero padding (0 for dense, 0 = 'valid')
 * @param activation the non-linearity applied to this layer's output (identity for the last)
 */
public record LayerSpec(
        LayerKind kind,
        int outNeurons,
        int inNeurons,
        int kernelHeight,
        int kernelWidth,
        int stride,
        int padding,
        ActivationKind activation) {

    public LayerSpec {
        if (outNeurons <= 0 || inNeurons <= 0) {
            throw new IllegalArgumentException(
                    "A layer needs positive neuron counts, got out=" + outNeurons + " in=" + inNeurons);
        }
        if (kernelHeight <= 0 || kernelWidth <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("Invalid kernel geometry in layer " + kind);
        }
        if (kind == LayerKind.DENSE && (kernelHeight != 1 || kernelWidth != 1)) {
            throw new IllegalArgumentException("A dense layer has no kernel; got " + kernelHeight + "x" + kernelWidth);
        }
    }

    /** A dense layer {@code in -> out}. */
    public static LayerSpec dense(int in, int out, ActivationKind activation) {
        return new LayerSpec(LayerKind.DENSE, out, in, 1, 1, 1, 0, activation);
    }

    /** A square convolution {@code in -> out} channels. */
    public static LayerSpec conv(int in, int out, int kernel, int stride, int padding, ActivationKind activation) {
        return new LayerSpec(LayerKind.CONV2D, out, in, kernel, kernel, stride, padding, activation);
    }

    /** Kernel positions folded into the channel axis of weight-space features (1 for dense). */
    public int filterSize() {
        return kernelHeight * kernelWidth;
    }

    /** The weight's shape as DJL stores it: (out, in) or (out, in, kh, kw). */
    public Shape weightShape() {
        return kind == LayerKind.DENSE
                ? new Shape(outNeurons, inNeurons)
                : new Shape(outNeurons, inNeurons, kernelHeight, kernelWidth);
    }

    /** The bias shape: (out). */
    public Shape biasShape() {
        return new Shape(outNeurons);
    }

    /** Number of weight entries. */
    public long weightCount() {
        return (long) outNeurons * inNeurons * filterSize();
    }

    /** Number of parameters, weight and bias. */
    public long parameterCount() {
        return weightCount() + outNeurons;
    }

    /** The same layer followed by another activation. */
    public LayerSpec withActivation(ActivationKind newActivation) {
        return new LayerSpec(kind, outNeurons, inNeurons, kernelHeight, kernelWidth, stride, padding, newActivation);
    }
}
