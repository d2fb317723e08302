package dev.orbit.datasets.zoo.statedict;

import dev.orbit.datasets.io.NpyArray;
import dev.orbit.datasets.io.Npz;
import dev.orbit.datasets.io.SafeTensors;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes one network's flat canonical weights as a state dict, {@code layer<l>.weight} and
 * {@code layer<l>.bias} in DJL layout, to a {@code .safetensors} or {@code .npz} file chosen by
 * extension: the files {@link StateDictFile} and {@link StateDictLayout} read back. The file appears
 * whole or not at all (written beside it, then moved into place).
 */
public final class StateDictWriter {

    private StateDictWriter() {}

    /**
     * @param file the destination, replaced if it exists
     * @param spec the network's architecture
     * @param flat its {@code spec.parameterCount()} weights
     * @param metadata safetensors metadata (ignored for .npz); may be empty
     * @throws IllegalArgumentException when the extension is neither .safetensors nor .npz, or the
     *     weights do not fit the spec
     */
    public static void write(Path file, NetworkSpec spec, float[] flat, Map<String, String> metadata) throws IOException {
        if (!StateDictFile.isSupported(file)) {
            throw new IllegalArgumentException(file + ": the output must end in .safetensors or .npz.");
        }
        if (flat.length != spec.parameterCount()) {
            throw new IllegalArgumentException(spec.describe() + " has " + spec.parameterCount() + " weights, got "
                    + flat.length);
        }
        Map<String, NpyArray> tensors = new LinkedHashMap<>();
        int offset = 0;
        for (int l = 0; l < spec.numLayers(); l++) {
            LayerSpec layer = spec.layer(l);
            int w = Math.toIntExact(layer.weightCount());
            tensors.put("layer" + l + ".weight", NpyArray.ofFloats(layer.weightShape().getShape(),
                    Arrays.copyOfRange(flat, offset, offset + w)));
            offset += w;
            tensors.put("layer" + l + ".bias", NpyArray.ofFloats(new long[] {layer.outNeurons()},
                    Arrays.copyOfRange(flat, offset, offset + layer.outNeurons())));
            offset += layer.outNeurons();
        }
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
        try {
            if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz")) {
                Npz.write(temp, tensors);
            } else {
                SafeTensors.write(temp, tensors, metadata);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
