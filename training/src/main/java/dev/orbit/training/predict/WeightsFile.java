package dev.orbit.training.predict;

import dev.orbit.datasets.io.DType;
import dev.orbit.datasets.io.DjlEncoding;
import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.datasets.io.NpyArray;
import dev.orbit.datasets.zoo.statedict.StateDictFile;
import dev.orbit.datasets.zoo.statedict.StateDictLayout;
import dev.orbit.metanet.space.NetworkSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
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

    /** Room for a DJL .params file's block metadata and parameter names beyond the arrays' data. */
    static final long METADATA_ALLOWANCE = 1 << 20;

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
            tensors = readDjlParams(file, spec);
        } else if (StateDictFile.isSupported(file)) {
            tensors = StateDictFile.read(file, spec.parameterCount());
        } else {
            throw new IllegalArgumentException(file + " is not a .safetensors, .npz or DJL .params file.");
        }
        requireFinite(tensors, file);
        return StateDictLayout.toCanonical(tensors, spec, file.getFileName().toString(), specOwner);
    }

    /**
     * The arrays of a DJL parameter file, in the order the block saved them, named
     * {@code param0, param1, ...}. The file may be at most what {@code spec}'s parameters take in
     * double precision plus {@link #METADATA_ALLOWANCE}, and each array's header is checked against
     * the bytes that follow before anything is decoded ({@link DjlEncoding}).
     */
    static Map<String, NpyArray> readDjlParams(Path file, NetworkSpec spec) throws IOException {
        long limit = spec.parameterCount() * Double.BYTES + METADATA_ALLOWANCE;
        long size = Files.size(file);
        if (size > limit) {
            throw new MalformedFileException(file + " is " + size + " bytes; the weights of " + spec.describe()
                    + " take at most " + limit + " bytes in a DJL .params file.");
        }
        byte[] bytes = Files.readAllBytes(file);
        Map<String, NpyArray> out = new LinkedHashMap<>();
        for (DjlEncoding.Record r : DjlEncoding.records(bytes, file.toString())) {
            NpyArray array = r.toNpy(bytes).orElseThrow(() -> new MalformedFileException(file + " holds an array of "
                    + r.dataType() + "; weights must be FLOAT32 or FLOAT64."));
            out.put("param" + out.size(), array);
        }
        if (out.isEmpty()) {
            throw new MalformedFileException(file + " holds no DJL parameter arrays; expected a file written by"
                    + " block.saveParameters or Model.save.");
        }
        return out;
    }

    /**
     * Refuses a tensor holding NaN or an infinity: a metanet maps it to a non-finite prediction that
     * would otherwise be printed as a result.
     */
    static void requireFinite(Map<String, NpyArray> tensors, Path file) throws MalformedFileException {
        for (Map.Entry<String, NpyArray> t : tensors.entrySet()) {
            DType dtype = t.getValue().dtype();
            if (dtype != DType.F32 && dtype != DType.F64) {
                continue;
            }
            ByteBuffer data = t.getValue().data();
            int n = Math.toIntExact(t.getValue().size());
            for (int i = 0; i < n; i++) {
                double v = dtype == DType.F32 ? data.getFloat(i * Float.BYTES) : data.getDouble(i * Double.BYTES);
                if (!Double.isFinite(v)) {
                    throw new MalformedFileException(file + ": tensor " + t.getKey() + " holds " + v + " at element " + i
                            + "; weights must be finite.");
                }
            }
        }
    }
}
