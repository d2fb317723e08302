/**
 * Which metanet: {@link dev.orbit.training.model.MetanetConfig} names a model and its sizes, and
 * {@link dev.orbit.training.model.MetanetFactory} builds it ({@code nfn-hnp}, {@code nfn-np},
 * {@code nfn-hnp-stat}, {@code statnn}, {@code flat-mlp}). Both fitting ({@code fit}) and prediction
 * ({@code predict}) build models from here, so neither needs the other for it. A trained model's
 * files live here too, for the same reason: {@link dev.orbit.training.model.ParameterFiles} (DJL
 * parameter files checked against the layout the block writes before they are decoded),
 * {@link dev.orbit.training.model.RunFiles} (atomic writes, one-line errors for damaged JSON) and
 * {@link dev.orbit.training.model.RunProvenance} (what built a run).
 */
package dev.orbit.training.model;
