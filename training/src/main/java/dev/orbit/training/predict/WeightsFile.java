package dev.orbit.training.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.orbit.datasets.io.NpyArray;
import dev.orbit.datasets.zoo.statedict.StateDictFile;
import dev.orbit.datasets.zoo.statedict.StateDictLayout;
import dev.orbit.metanet.space.NetworkSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one network's weights from a file, in a spec's canonical order: a {@code .safetensors} or
 * {@code .npz} state dict, or a DJL {@code .params} file of a block computing the spec (as written
 * by {@code block.saveParameters} or {@code Model.save}). A network of another architecture is
 * reported in one sentence naming the first layer that differs and both shapes.
 */
public final class WeightsFile {

    /** {@code writeUTF("NDAR")}: the two-byte length, then the magic of every DJL-encoded array. */
    private static final byte[] ARRAY_MAGIC = {0, 4, 'N', 'D', 'A', 'R'};

    private WeightsFile() {}

    /**
     * Reads canonical flat weights of {@code spec} from {@code file}.
     *
     * @param specOwner whose spec it is, for messages ("the run's spec")
     * @throws dev.orbit.datasets.zoo.ArchitectureMismatchException when the file holds another architecture
     * @throws IllegalArgumentException when the file type is not supported
     */
    public static float[] read(Path file, NetworkSpec spec, String specOwner) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "the weights file does not exist");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Map<String, NpyArray> tensors;
        if (name.endsWith(".params")) {
            tensors = readDjlParams(file);
        } else if (StateDictFile.isSupported(file)) {
            tensors = StateDictFile.read(file, spec.parameterCount());
        } else {
            throw new IllegalArgumentException(file + " is not a .safetensors, .npz or DJL .params file.");
        }
        return StateDictLayout.toCanonical(tensors, spec, file.getFileName().toString(), specOwner);
    }

    /**
     * The arrays of a DJL parameter file, in the order the block saved them, named
     * {@code param0, param1, ...}: found by their encoding's magic and decoded in turn.
     */
    static Map<String, NpyArray> readDjlParams(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            int pos = 0;
            while ((pos = indexOf(bytes, ARRAY_MAGIC, pos)) >= 0) {
                ByteArrayInputStream in = new ByteArrayInputStream(bytes, pos, bytes.length - pos);
                NDArray array;
                try {
                    array = manager.decode(in);
                } catch (RuntimeException e) {
                    pos++;
                    continue;
                }
                out.put("param" + out.size(), NpyArray.fromNDArray(array));
                pos = bytes.length - in.available();
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no DJL parameter arrays; expected a file written by"
                    + " block.saveParameters or Model.save.");
        }
        return out;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
