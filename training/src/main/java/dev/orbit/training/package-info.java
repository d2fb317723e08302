/**
 * Fitting and using metanets, and the {@code orbit} command line. The packages say who may use whom;
 * an arrow is "imports", and nothing imports against the arrows:
 *
 * <pre>
 *   cli     ──► any package below
 *   fit     ──► predict, model, metrics, report
 *   generate ──► fit, model, metrics, report
 *   predict ──► model
 *   align   ──► predict, model, report
 *   model, metrics, report, bench ──► none of the others
 * </pre>
 *
 * <ul>
 *   <li>{@code model}: which metanet, by name and sizes, and how it is built;
 *   <li>{@code metrics}: Kendall tau, R², RMSE; no engine, no files;
 *   <li>{@code report}: PNG charts and one-page HTML summaries; knows nothing of metanets;
 *   <li>{@code fit}: the training loop and the run folder of one experiment (it saves the model in
 *       the form {@code predict} loads, so {@code fit} uses {@code predict}, never the reverse);
 *   <li>{@code predict}: loading a run's model and scoring networks;
 *   <li>{@code generate}: generative models of a zoo's weights (flow matching, an equivariant
 *       denoiser), their resumable fit (reusing {@code fit}'s checkpoint) and sampling into a zoo;
 *   <li>{@code bench}: JMH benchmarks, run by {@code orbit bench};
 *   <li>{@code align}: aligning, merging and interpolating real networks (weights files, zoo rows);
 *   <li>{@code cli}: only parses arguments, calls the packages above and prints; library code never
 *       imports it, so every command is also a few lines of Java without picocli.
 * </ul>
 *
 * The four Maven modules stay as they are ({@code metanet -> datasets -> zoo -> training}); a test
 * ({@code PackageStructureTest}) checks these rules on the sources.
 */
package dev.orbit.training;
