/**
 * Tensor file formats shared by Orbit's modules: NumPy {@code .npy} / {@code .npz} (zoo shards such
 * as the Small CNN Zoo's {@code weights.npy}) and safetensors (state dicts).
 *
 * <p>Every reader validates a file's header against the bytes the file actually holds before it
 * allocates anything, and reports a malformed file with a {@link
 * dev.orbit.datasets.io.MalformedFileException} whose message names the file and what was expected.
 * {@link dev.orbit.datasets.io.NpyReader} and {@link dev.orbit.datasets.io.SafeTensorsReader} read
 * row ranges or single tensors with positional reads, so a large file is never loaded whole.
 */
package dev.orbit.datasets.io;
