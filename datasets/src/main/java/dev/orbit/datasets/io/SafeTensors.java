package dev.orbit.datasets.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One-call access to safetensors files (Hugging Face's format for state dicts), and conversion of
 * named tensors to and from DJL. For repeated or partial access keep a {@link SafeTensorsReader}
 * open; to build a file tensor by tensor use {@link SafeTensorsWriter}.
 */
public final class SafeTensors {

    private SafeTensors() {}

    /**
     * Reads every tensor of a file.
     *
     * @param file the file
     * @return name to array, in header order
     * @throws MalformedFileException when the file is invalid
     * @throws IOException when reading fails
     */
    public static Map<String, NpyArray> read(Path file) throws IOException {
        return read(file, Long.MAX_VALUE);
    }

    /**
     * Reads every tensor of a file whose tensors may hold at most {@code maxDataBytes} together,
     * checked against the header before any tensor is read.
     *
     * @param file the file
     * @param maxDataBytes the most tensor data the caller accepts from this file
     * @return name to array, in header order
     * @throws MalformedFileException when the file is invalid or holds more than {@code maxDataBytes}
     * @throws IOException when reading fails
     */
    public static Map<String, NpyArray> read(Path file, long maxDataBytes) throws IOException {
        try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
            long bytes = reader.tensors().stream().mapToLong(TensorInfo::byteLength).sum();
            if (bytes > maxDataBytes) {
                throw new MalformedFileException(file + " holds " + bytes + " bytes of tensor data but at most "
                        + maxDataBytes + " are expected here.");
            }
            return reader.readAll();
        }
    }

    /**
     * Reads one tensor, touching no other tensor's bytes.
     *
     * @param file the file
     * @param name the tensor's name
     * @return its array
     * @throws MalformedFileException when the file is invalid
     * @throws IOException when reading fails
     */
    public static NpyArray read(Path file, String name) throws IOException {
        try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
            return reader.read(name);
        }
    }

    /**
     * Reads the {@code __metadata__} map only.
     *
     * @param file the file
     * @return the metadata (empty when absent)
     * @throws MalformedFileException when the file is invalid
     * @throws IOException when reading fails
     */
    public static Map<String, String> metadata(Path file) throws IOException {
        try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
            return reader.metadata();
        }
    }

    /**
     * Writes named tensors and metadata, replacing the file.
     *
     * @param file the destination
     * @param tensors name to array; written in iteration order
     * @param metadata string metadata; may be empty
     * @throws IOException when writing fails
     */
    public static void write(Path file, Map<String, NpyArray> tensors, Map<String, String> metadata)
            throws IOException {
        SafeTensorsWriter writer = new SafeTensorsWriter();
        tensors.forEach(writer::put);
        metadata.forEach(writer::putMetadata);
        writer.write(file);
    }

    /**
     * Copies named tensors into DJL arrays named after their keys.
     *
     * @param tensors name to array
     * @param manager the owner of the results
     * @return the arrays in iteration order
     */
    public static NDList toNDList(Map<String, NpyArray> tensors, NDManager manager) {
        NDList out = new NDList(tensors.size());
        tensors.forEach((name, array) -> {
            NDArray nd = array.toNDArray(manager);
            nd.setName(name);
            out.add(nd);
        });
        return out;
    }

    /**
     * Copies DJL arrays to the host, keyed by their names.
     *
     * @param list arrays that each have a unique, non-empty name
     * @return name to array, in list order
     * @throws IllegalArgumentException when a name is missing or repeated
     */
    public static Map<String, NpyArray> fromNDList(NDList list) {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String name = list.get(i).getName();
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("NDList entry " + i + " has no name; safetensors keys tensors by name.");
            }
            if (out.put(name, NpyArray.fromNDArray(list.get(i))) != null) {
                throw new IllegalArgumentException("NDList holds two arrays named '" + name + "'.");
            }
        }
        return out;
    }
}
