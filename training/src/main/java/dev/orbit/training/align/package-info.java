/**
 * Symmetry as a tool on real networks (issue 13): {@link dev.orbit.training.align.Networks} reads
 * the networks a command names (weights files or zoo rows {@code ZOO#index}),
 * {@link dev.orbit.training.align.Aligner} aligns one to another by weight or activation matching,
 * {@link dev.orbit.training.align.Merging} averages aligned networks, and
 * {@link dev.orbit.training.align.BarrierStudy} scores the straight path between two networks before
 * and after alignment on a test set and writes its CSV and charts.
 */
package dev.orbit.training.align;
