/**
 * The {@code orbit} command line (picocli): each command parses its options, calls library code
 * ({@code fit}, {@code predict}, {@code report}, the {@code zoo} module) and prints. Errors follow one
 * policy, in {@link dev.orbit.training.cli.CliErrors}. No other package imports this one.
 */
package dev.orbit.training.cli;
