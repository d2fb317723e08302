/**
 * Tensor file formats shared by Orbit's modules: NumPy {@code .npy} / {@code .npz} (zoo shards such
 * as the Small CNN Zoo's {@code weights.npy}) and safetensors (state dicts).
 *
 * <p>Every reader validates a file's header against the bytes the file actually holds before it
 * allocates anything, and reports a malformed file with a {@link
 * dev.orbit.datasets.io.MalformedFileException} whose message names the file and what was expected.
 * {@link dev.orbit.datasets.io.NpyReader} and {@link dev.orbit.datasets.io.SafeTensorsReader} read
 * row ranges or single tensors with positional reads, so a large file is never loaded whole.
 *
 * <p>What a header may declare is bounded too: a safetensors header holds at most 4,096 tensors (and
 * so at most 4 MiB + 64 KiB of JSON), an .npz at most 4,096 entries, and a whole-file read of a
 * state dict takes the most data its caller's architecture allows, so an archive of compressed zeros
 * is refused before it is inflated.
 */
package dev.orbit.datasets.io;
