/**
 * Fitting metanets that predict a property of a network (test accuracy, generalization gap) from its
 * weights.
 *
 * <p>The doors: {@link dev.orbit.training.fit.MetanetTrainer} is the seeded, resumable training loop
 * (Adam on the {@link dev.orbit.training.fit.FitConfig.Loss} of the standardised target, early
 * stopping and model selection on validation Kendall tau); {@link dev.orbit.training.fit.PredictionRun}
 * runs a whole experiment into a run folder (split, statistics, checkpoints, the model in the form
 * {@code predict} loads, {@code metrics.json}, report). Models come from {@code model}.
 */
package dev.orbit.training.fit;
