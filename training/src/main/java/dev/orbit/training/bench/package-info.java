/**
 * JMH benchmarks of the metanet training step, run by {@code orbit bench}; they build on the
 * {@code metanet} module and the zoo module's process settings ({@code NativeMemory}), never on the
 * command line.
 */
package dev.orbit.training.bench;
