package dev.orbit.training.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.ActivationKind;
import java.util.List;

/**
 * The per-network condition vector a denoiser reads: sinusoidal features of the flow time t in
 * [0, 1] (as diffusion models embed their time step), the target test accuracy standardised with
 * the training split's mean and standard deviation with a flag saying it is given (a dropped target
 * trains the unconditional model of classifier-free guidance, Ho and Salimans 2022), and, when the
 * zoo mixes activations, a one-hot of the network's activation. The vector is the same for every
 * weight of a network, so injecting it per channel keeps a denoiser equivariant.
 *
 * @param timeFeatures the number of sinusoidal time features (even)
 * @param targetMean the training split's mean target accuracy
 * @param targetStd its standard deviation
 * @param activations the zoo's activations, in a fixed order; a one-hot is added when there are two or more
 */
public record ConditionEmbedding(int timeFeatures, double targetMean, double targetStd, List<ActivationKind> activations) {

    /** The largest angular frequency of the time features, per unit of t (DDPM's 1000 steps). */
    private static final double MAX_FREQUENCY = 1000;

    /** Copies the activations. */
    public ConditionEmbedding {
        activations = List.copyOf(activations);
        if (activations.isEmpty()) {
            throw new IllegalArgumentException("A condition needs the zoo's activations");
        }
        if (!(targetStd > 0)) {
            throw new IllegalArgumentException("The target's standard deviation must be positive, got " + targetStd);
        }
    }

    /** E, the condition's size. */
    public int size() {
        return timeFeatures + 2 + (activations.size() > 1 ? activations.size() : 0);
    }

    /**
     * The condition of a batch of networks.
     *
     * @param t each network's flow time in [0, 1]
     * @param targets each network's target test accuracy, or NaN for none (the unconditional model of
     *     classifier-free guidance: the target feature and its flag are 0)
     * @param activation each network's activation, one of {@link #activations()}
     * @return (B, E) on {@code manager}
     */
    public NDArray embed(NDManager manager, float[] t, double[] targets, ActivationKind[] activation) {
        int batch = t.length;
        int e = size();
        float[] out = new float[batch * e];
        int half = timeFeatures / 2;
        for (int b = 0; b < batch; b++) {
            int at = b * e;
            for (int k = 0; k < half; k++) {
                // frequencies from MAX_FREQUENCY down to 1, geometrically
                double frequency = Math.pow(MAX_FREQUENCY, 1.0 - (half == 1 ? 0 : (double) k / (half - 1)));
                out[at + k] = (float) Math.sin(frequency * t[b]);
                out[at + half + k] = (float) Math.cos(frequency * t[b]);
            }
            if (!Double.isNaN(targets[b])) {
                out[at + timeFeatures] = (float) ((targets[b] - targetMean) / targetStd);
                out[at + timeFeatures + 1] = 1f; // the target is given
            }
            if (activations.size() > 1) {
                int index = activations.indexOf(activation[b]);
                if (index < 0) {
                    throw new IllegalArgumentException("The model knows activations " + activations + ", not "
                            + activation[b]);
                }
                out[at + timeFeatures + 2 + index] = 1f;
            }
        }
        return manager.create(out, new Shape(batch, e)); // (B, E)
    }
}
