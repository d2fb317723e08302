/**
 * Fitting metanets that predict a property of a network (test accuracy, generalization gap) from its
 * weights (DOMAIN.md §4).
 *
 * <p>The doors: {@link dev.orbit.training.fit.MetanetFactory} builds a model by name from a
 * {@link dev.orbit.training.fit.MetanetConfig} ({@code nfn-hnp}, {@code nfn-np}, {@code statnn},
 * {@code flat-mlp}); {@link dev.orbit.training.fit.MetanetTrainer} is the seeded, resumable training
 * loop (Adam, MSE on the normalised target, early stopping and model selection on validation Kendall
 * tau); {@link dev.orbit.training.fit.PredictionRun} runs a whole experiment into a run folder
 * (split, statistics, checkpoints, model, {@code metrics.json}, report).
 */
package dev.orbit.training.fit;
