/**
 * JMH benchmarks of the metanet training step, run by {@code orbit bench}; they build on the
 * {@code metanet} module and {@code fit}'s process settings, never on the command line.
 */
package dev.orbit.training.bench;
