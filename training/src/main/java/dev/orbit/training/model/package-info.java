/**
 * Which metanet: {@link dev.orbit.training.model.MetanetConfig} names a model and its sizes, and
 * {@link dev.orbit.training.model.MetanetFactory} builds it ({@code nfn-hnp}, {@code nfn-np},
 * {@code nfn-hnp-stat}, {@code statnn}, {@code flat-mlp}). Both fitting ({@code fit}) and prediction
 * ({@code predict}) build models from here, so neither needs the other for it.
 */
package dev.orbit.training.model;
