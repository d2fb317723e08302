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

    private StateDictFile() {}

    /** Whether the file name has an extension {@link #read} understands. */
    public static boolean isSupported(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".safetensors") || name.endsWith(".npz");
    }

    /**
     * Reads every tensor of a state dict file.
     *
     * @return name to array, in file order
     * @throws NoSuchFileException when the file does not exist
     * @throws IllegalArgumentException when the extension is neither .safetensors nor .npz
     */
    public static Map<String, NpyArray> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "the weights file does not exist");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            return SafeTensors.read(file);
        }
        if (name.endsWith(".npz")) {
            return Npz.read(file);
        }
        throw new IllegalArgumentException(file + " is neither a .safetensors nor an .npz file.");
    }
}
