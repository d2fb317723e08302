package dev.orbit.datasets.io;

import ai.djl.ndarray.NDArray;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects named tensors and string metadata, then writes them as one safetensors file: tensors in
 * the order they were added, the JSON header padded with spaces to a multiple of 8 bytes.
 */
public final class SafeTensorsWriter {

    private final Map<String, NpyArray> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Creates an empty writer. */
    public SafeTensorsWriter() {}

    /**
     * Adds a tensor.
     *
     * @param name a unique name other than {@code __metadata__}
     * @param array the tensor
     * @return this writer
     */
    public SafeTensorsWriter put(String name, NpyArray array) {
        if (name.equals(SafeTensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException("'" + name + "' is reserved for the metadata map");
        }
        if (tensors.putIfAbsent(name, array) != null) {
            throw new IllegalArgumentException("tensor '" + name + "' was already added");
        }
        return this;
    }

    /**
     * Adds a float32 tensor.
     *
     * @param name a unique name
     * @param shape dimensions whose product is {@code values.length}
     * @param values elements in C order
     * @return this writer
     */
    public SafeTensorsWriter putFloats(String name, long[] shape, float[] values) {
        return put(name, NpyArray.ofFloats(shape, values));
    }

    /**
     * Adds a copy of a DJL array.
     *
     * @param name a unique name
     * @param array an array of a supported type
     * @return this writer
     */
    public SafeTensorsWriter put(String name, NDArray array) {
        return put(name, NpyArray.fromNDArray(array));
    }

    /**
     * Adds a {@code __metadata__} entry (e.g. {@code format=pt}, provenance).
     *
     * @param key the key
     * @param value the value
     * @return this writer
     */
    public SafeTensorsWriter putMetadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /**
     * Writes the file, replacing any existing one.
     *
     * @param file the destination
     * @throws IOException when writing fails
     */
    public void write(Path file) throws IOException {
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add(SafeTensorsHeader.METADATA_KEY, meta);
        }
        long offset = 0;
        for (Map.Entry<String, NpyArray> e : tensors.entrySet()) {
            NpyArray a = e.getValue();
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", a.dtype().safetensorsName());
            JsonArray shape = new JsonArray();
            for (long d : a.shape()) {
                shape.add(d);
            }
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offset += a.backingBuffer().remaining();
            offsets.add(offset);
            entry.add("data_offsets", offsets);
            header.add(e.getKey(), entry);
        }
        StringBuilder json = new StringBuilder(new GsonBuilder().disableHtmlEscaping().create().toJson(header));
        while (json.toString().getBytes(StandardCharsets.UTF_8).length % 8 != 0) {
            json.append(' ');
        }
        byte[] headerBytes = json.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).array());
            out.write(headerBytes);
            for (NpyArray a : tensors.values()) {
                ByteBuffer data = a.backingBuffer();
                out.write(data.array(), data.arrayOffset(), data.remaining());
            }
        }
    }
}
