/**
 * Reports a person reads: PNG charts (scatter, learning curves) and one-page HTML summaries. It
 * knows nothing of metanets or runs; callers ({@code fit}, {@code cli}) pass it named numbers, and
 * every chart names what it plots (the loss, the model) in its title or caption.
 */
package dev.orbit.training.report;
