package dev.orbit.datasets.zoo.statedict;

import dev.orbit.datasets.io.NpyArray;
import dev.orbit.datasets.io.Npz;
import dev.orbit.datasets.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Reads one network's state dict from a {@code .safetensors} or {@code .npz} file, by extension. */
public final class StateDictFile {

    /**
     * The most parameters a state dict is read with when no architecture says how many to expect
     * (inferring a zoo's spec from its first file): 2^22 (4,194,304) is about a thousand times the
     * Small CNN Zoo's CNN (4,970), and at the widest dtype it is 32 MiB, so a small archive of
     * compressed zeros cannot declare gigabytes. A metanet batch holds batch size x parameters x
     * channels activations, so networks much larger than this are out of reach on a CPU anyway.
     */
    public static final long MAX_PARAMETERS = 1L << 22;
    /** The widest dtype a parameter may be stored in (float64). */
    private static final int MAX_BYTES_PER_PARAMETER = Double.BYTES;

    private StateDictFile() {}

    /** Whether the file name has an extension {@link #read} understands. */
    public static boolean isSupported(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".safetensors") || name.endsWith(".npz");
    }

    /**
     * Reads every tensor of a state dict file of at most {@link #MAX_PARAMETERS} parameters.
     *
     * @return name to array, in file order
     * @throws NoSuchFileException when the file does not exist
     * @throws IllegalArgumentException when the extension is neither .safetensors nor .npz
     */
    public static Map<String, NpyArray> read(Path file) throws IOException {
        return read(file, MAX_PARAMETERS);
    }

    /**
     * Reads every tensor of a state dict file that may hold at most {@code maxParameters} parameters
     * (its architecture's count), refusing a file that declares more before reading its data.
     *
     * @return name to array, in file order
     * @throws NoSuchFileException when the file does not exist
     * @throws IllegalArgumentException when the extension is neither .safetensors nor .npz
     * @throws dev.orbit.datasets.io.MalformedFileException when the file is invalid or declares more data
     */
    public static Map<String, NpyArray> read(Path file, long maxParameters) throws IOException {
        long maxBytes = Math.multiplyExact(maxParameters, MAX_BYTES_PER_PARAMETER);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "the weights file does not exist");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            return SafeTensors.read(file, maxBytes);
        }
        if (name.endsWith(".npz")) {
            return Npz.read(file, maxBytes);
        }
        throw new IllegalArgumentException(file + " is neither a .safetensors nor an .npz file.");
    }
}
