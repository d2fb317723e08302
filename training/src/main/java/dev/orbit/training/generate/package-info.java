/**
 * Generating new networks: a generative model of a zoo's weights conditioned on test accuracy (and
 * activation when the zoo mixes them).
 *
 * <p>{@link dev.orbit.training.generate.FlowMatching} is the model (straight-path flow matching in the
 * per-layer standardised weight space, an Euler ODE sampler); {@link dev.orbit.training.generate.Denoiser}
 * its network, the equivariant {@code EquivariantNfn} with the condition injected per channel or the
 * flat {@code FlatMlp} baseline; {@link dev.orbit.training.generate.GenerationRun} fits it resumably into
 * a run folder; {@link dev.orbit.training.generate.TrainedGenerator} loads and samples it, and
 * {@link dev.orbit.training.generate.GeneratedZoo} writes samples as an Orbit zoo.
 */
package dev.orbit.training.generate;
