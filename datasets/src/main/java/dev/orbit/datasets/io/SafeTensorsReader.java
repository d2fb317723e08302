package dev.orbit.datasets.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;

/**
 * An open safetensors file whose header has been validated; each tensor is read on demand with a
 * positional read of its own bytes only, so one tensor of a large state dict costs only its size.
 *
 * <p>DJL's {@code NDList.decode} also reads safetensors, but loads every tensor and does not check
 * the header; this reader validates offsets against the file before allocating anything.
 */
public final class SafeTensorsReader implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final SafeTensorsHeader header;
    private final Map<String, TensorInfo> byName = new LinkedHashMap<>();

    private SafeTensorsReader(Path file, FileChannel channel, SafeTensorsHeader header) {
        this.file = file;
        this.channel = channel;
        this.header = header;
        for (TensorInfo t : header.tensors) {
            byName.put(t.name(), t);
        }
    }

    /**
     * Opens a file and validates its header (length, JSON, dtypes, shapes against offsets, offsets
     * tiling the data section).
     *
     * @param file the file
     * @return an open reader; close it
     * @throws MalformedFileException when the header is invalid or inconsistent with the file
     * @throws IOException when opening fails
     */
    public static SafeTensorsReader open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new SafeTensorsReader(file, channel, SafeTensorsHeader.read(channel, file.toString()));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** @return tensor names in header order */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** @return every tensor's header entry, in header order */
    public List<TensorInfo> tensors() {
        return header.tensors;
    }

    /** @return the {@code __metadata__} map (empty when absent), unmodifiable */
    public Map<String, String> metadata() {
        return header.metadata;
    }

    /**
     * @param name a tensor name
     * @return its header entry
     * @throws NoSuchElementException when the file has no such tensor
     */
    public TensorInfo info(String name) {
        TensorInfo t = byName.get(name);
        if (t == null) {
            throw new NoSuchElementException(file + " has no tensor '" + name + "'; it holds "
                    + byName.keySet().stream().limit(20).collect(Collectors.joining(", "))
                    + (byName.size() > 20 ? ", ..." : "") + ".");
        }
        return t;
    }

    /**
     * Reads one tensor.
     *
     * @param name a tensor name
     * @return its array
     * @throws IOException when reading fails
     */
    public NpyArray read(String name) throws IOException {
        TensorInfo t = info(name);
        if (t.byteLength() > Shapes.MAX_IN_MEMORY_BYTES) {
            throw new MalformedFileException(file + " tensor '" + name + "' holds " + t.byteLength()
                    + " bytes, more than one in-memory array can.");
        }
        ByteBuffer data = ByteBuffer.allocate((int) t.byteLength());
        PositionalReads.readFully(channel, data, header.dataStart + t.begin(), file.toString());
        return NpyArray.wrap(t.dtype(), t.shape(), data);
    }

    /**
     * Reads one tensor into a DJL array named after it.
     *
     * @param name a tensor name
     * @param manager the owner of the result
     * @return the array
     * @throws IOException when reading fails
     */
    public NDArray read(String name, NDManager manager) throws IOException {
        NDArray array = read(name).toNDArray(manager);
        array.setName(name);
        return array;
    }

    /**
     * Reads every tensor.
     *
     * @return name to array, in header order
     * @throws IOException when reading fails
     */
    public Map<String, NpyArray> readAll() throws IOException {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        for (String name : byName.keySet()) {
            out.put(name, read(name));
        }
        return out;
    }

    /**
     * Reads every tensor into named DJL arrays.
     *
     * @param manager the owner of the results
     * @return the arrays, in header order
     * @throws IOException when reading fails
     */
    public NDList readAll(NDManager manager) throws IOException {
        NDList out = new NDList();
        for (String name : byName.keySet()) {
            out.add(read(name, manager));
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
