package dev.orbit.zoo.format;

import ai.djl.ndarray.types.Shape;
import dev.orbit.datasets.io.DType;
import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.datasets.io.NpyArray;
import dev.orbit.datasets.io.SafeTensorsReader;
import dev.orbit.datasets.io.SafeTensorsWriter;
import dev.orbit.datasets.io.TensorInfo;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.CheckpointRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One weight shard: a safetensors file in which every parameter of the spec is stacked across the
 * shard's checkpoints ({@code layerI.weight}: (rows, out, in[, kh, kw]), {@code layerI.bias}: (rows,
 * out)), next to {@code network_id} and {@code epoch} int32 vectors. Opening validates the header
 * against the file and the spec; rows are then read with positional reads of only their bytes.
 */
final class ShardFile implements AutoCloseable {

    private final Path file;
    private final ShardInfo info;
    private final FileChannel channel;
    private final long dataStart;
    private final int parameterCount;
    /** Per canonical parameter: byte offset of its tensor (absolute), floats per row, offset in the flat row. */
    private final long[] tensorStart;
    private final int[] rowFloats;
    private final int[] flatOffset;
    private final TensorInfo networkIds;
    private final TensorInfo epochs;

    private ShardFile(Path file, ShardInfo info, FileChannel channel, long dataStart, NetworkSpec spec,
            Map<String, TensorInfo> tensors) {
        this.file = file;
        this.info = info;
        this.channel = channel;
        this.dataStart = dataStart;
        this.parameterCount = Math.toIntExact(spec.parameterCount());
        List<Shape> shapes = spec.parameterShapes();
        tensorStart = new long[shapes.size()];
        rowFloats = new int[shapes.size()];
        flatOffset = new int[shapes.size()];
        int offset = 0;
        for (int p = 0; p < shapes.size(); p++) {
            TensorInfo t = tensors.get(tensorName(p));
            tensorStart[p] = dataStart + t.begin();
            rowFloats[p] = Math.toIntExact(shapes.get(p).size());
            flatOffset[p] = offset;
            offset += rowFloats[p];
        }
        networkIds = tensors.get(ZooFormat.NETWORK_ID_TENSOR);
        epochs = tensors.get(ZooFormat.EPOCH_TENSOR);
    }

    /** The shard tensor holding canonical parameter {@code p} (W_0, b_0, W_1, ...). */
    static String tensorName(int p) {
        return p % 2 == 0 ? ZooFormat.weightTensor(p / 2) : ZooFormat.biasTensor(p / 2);
    }

    /**
     * Writes rows (already in shard order) as a shard file.
     *
     * @param target the file to write (a temporary name; the caller publishes it)
     * @param spec the zoo's spec
     * @param rows the checkpoints
     * @param index the shard's index, recorded in its metadata
     * @param formatVersion the zoo's format version, recorded in its metadata
     */
    static void write(Path target, NetworkSpec spec, List<CheckpointRecord> rows, int index, int formatVersion)
            throws IOException {
        int n = rows.size();
        SafeTensorsWriter writer = new SafeTensorsWriter();
        int[] ids = new int[n];
        int[] eps = new int[n];
        for (int r = 0; r < n; r++) {
            ids[r] = rows.get(r).networkId();
            eps[r] = rows.get(r).epoch();
        }
        writer.put(ZooFormat.NETWORK_ID_TENSOR, NpyArray.ofInts(new long[] {n}, ids));
        writer.put(ZooFormat.EPOCH_TENSOR, NpyArray.ofInts(new long[] {n}, eps));
        List<Shape> shapes = spec.parameterShapes();
        int offset = 0;
        for (int p = 0; p < shapes.size(); p++) {
            int size = Math.toIntExact(shapes.get(p).size());
            float[] stacked = new float[Math.multiplyExact(n, size)];
            for (int r = 0; r < n; r++) {
                System.arraycopy(rows.get(r).weights(), offset, stacked, r * size, size);
            }
            writer.put(tensorName(p), NpyArray.ofFloats(stackedShape(n, shapes.get(p)), stacked));
            offset += size;
        }
        writer.putMetadata("format", ZooFormat.FORMAT_NAME);
        writer.putMetadata("format_version", Integer.toString(formatVersion));
        writer.putMetadata("shard", Integer.toString(index));
        writer.write(target);
    }

    private static long[] stackedShape(int rows, Shape shape) {
        long[] out = new long[shape.dimension() + 1];
        out[0] = rows;
        System.arraycopy(shape.getShape(), 0, out, 1, shape.dimension());
        return out;
    }

    /**
     * Opens a committed shard and checks its size, header and tensors against the manifest and spec
     * (not its checksum: see {@link #verifyChecksum}).
     */
    static ShardFile open(Path zooDir, ShardInfo info, NetworkSpec spec) throws IOException {
        Path file = zooDir.resolve(info.file());
        if (!Files.isRegularFile(file)) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT,
                    file + " is missing; the manifest lists it as shard " + info.index() + ".");
        }
        long size = Files.size(file);
        if (size != info.bytes()) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, file + " is " + size
                    + " bytes but the manifest records " + info.bytes() + (size < info.bytes() ? " (truncated)." : "."));
        }
        Map<String, TensorInfo> tensors = new HashMap<>();
        try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
            for (TensorInfo t : reader.tensors()) {
                tensors.put(t.name(), t);
            }
        } catch (MalformedFileException e) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, e.getMessage(), e);
        }
        checkTensors(file, info, spec, tensors);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, length, 0, file);
            return new ShardFile(file, info, channel, 8 + length.getLong(), spec, tensors);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void checkTensors(Path file, ShardInfo info, NetworkSpec spec, Map<String, TensorInfo> tensors)
            throws ZooFormatException {
        Map<String, long[]> expected = new java.util.LinkedHashMap<>();
        Map<String, DType> types = new HashMap<>();
        expected.put(ZooFormat.NETWORK_ID_TENSOR, new long[] {info.rows()});
        types.put(ZooFormat.NETWORK_ID_TENSOR, DType.I32);
        expected.put(ZooFormat.EPOCH_TENSOR, new long[] {info.rows()});
        types.put(ZooFormat.EPOCH_TENSOR, DType.I32);
        List<Shape> shapes = spec.parameterShapes();
        for (int p = 0; p < shapes.size(); p++) {
            expected.put(tensorName(p), stackedShape(info.rows(), shapes.get(p)));
            types.put(tensorName(p), DType.F32);
        }
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            TensorInfo t = tensors.get(e.getKey());
            if (t == null) {
                throw new ZooFormatException(ZooFormatException.Reason.CORRUPT,
                        file + " lacks the tensor '" + e.getKey() + "'.");
            }
            if (t.dtype() != types.get(e.getKey()) || !Arrays.equals(t.shape(), e.getValue())) {
                throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, file + " tensor '" + e.getKey()
                        + "' is " + t.dtype() + " " + Arrays.toString(t.shape()) + " but expected "
                        + types.get(e.getKey()) + " " + Arrays.toString(e.getValue()) + ".");
            }
        }
        if (tensors.size() != expected.size()) {
            String extra = tensors.keySet().stream().filter(k -> !expected.containsKey(k)).sorted()
                    .collect(Collectors.joining(", "));
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT,
                    file + " holds unexpected tensors: " + extra + ".");
        }
    }

    /** Checks the file's SHA-256 against the manifest. */
    static void verifyChecksum(Path zooDir, ShardInfo info) throws IOException {
        try {
            dev.orbit.datasets.io.FileDigest.verifySha256(zooDir.resolve(info.file()), info.sha256());
        } catch (MalformedFileException e) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, e.getMessage(), e);
        }
    }

    ShardInfo info() {
        return info;
    }

    Path file() {
        return file;
    }

    int rows() {
        return info.rows();
    }

    /** @return every row's network id */
    int[] networkIds() throws IOException {
        return readInts(networkIds);
    }

    /** @return every row's epoch */
    int[] epochs() throws IOException {
        return readInts(epochs);
    }

    private int[] readInts(TensorInfo t) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(t.byteLength())).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, bytes, dataStart + t.begin(), file);
        int[] out = new int[info.rows()];
        bytes.asIntBuffer().get(out);
        return out;
    }

    /**
     * Reads rows {@code [from, from + count)} of the shard as flat canonical vectors into {@code dest}
     * starting at {@code destOffset}: one positional read per parameter tensor.
     */
    void readRows(int from, int count, float[] dest, int destOffset) throws IOException {
        if (from < 0 || count < 0 || from + count > info.rows()) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + (from + count) + ") are outside [0, "
                    + info.rows() + ") of " + file);
        }
        for (int p = 0; p < tensorStart.length; p++) {
            int s = rowFloats[p];
            ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(count, s * Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, bytes, tensorStart[p] + (long) from * s * Float.BYTES, file);
            FloatBuffer floats = bytes.asFloatBuffer();
            for (int r = 0; r < count; r++) {
                floats.get(dest, destOffset + r * parameterCount + flatOffset[p], s);
            }
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer dst, long position, Path file) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                throw new ZooFormatException(ZooFormatException.Reason.CORRUPT,
                        file + " ended at byte " + pos + " while more data was expected (truncated?).");
            }
            pos += n;
        }
        dst.flip();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
