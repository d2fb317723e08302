package dev.orbit.datasets.io;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates a safetensors header: 8-byte little-endian length, then a JSON object mapping
 * tensor names to {@code {dtype, shape, data_offsets}} plus an optional {@code __metadata__} string
 * map. As in the reference implementation, the tensors must tile the data section exactly: no
 * overlaps, no gaps, nothing past the end and nothing left over.
 *
 * <p>The JSON is read as a stream, one entry at a time, so the work is linear in the header and the
 * tensor limit stops a hostile header at its {@link Shapes#MAX_TENSORS}+1st entry.
 */
final class SafeTensorsHeader {

    /** Bytes one tensor entry may take: a 256-character name, 8 dimensions and two offsets of 19 digits with their JSON stay under 600. */
    private static final int MAX_ENTRY_BYTES = 1024;
    /** Room for {@code __metadata__}; Orbit's shards write three short strings. */
    private static final int MAX_METADATA_BYTES = 64 << 10;
    /**
     * The longest JSON header: {@link Shapes#MAX_TENSORS} entries plus the metadata (4 MiB + 64 KiB).
     * The reference implementation allows 100 MB, which costs gigabytes to parse into objects.
     */
    static final long MAX_HEADER_BYTES = (long) Shapes.MAX_TENSORS * MAX_ENTRY_BYTES + MAX_METADATA_BYTES;
    /** NumPy's own limit on dimensions (since 2.0). */
    private static final int MAX_RANK = 64;
    static final String METADATA_KEY = "__metadata__";

    final List<TensorInfo> tensors;
    final Map<String, String> metadata;
    /** File offset of the data section. */
    final long dataStart;

    private SafeTensorsHeader(List<TensorInfo> tensors, Map<String, String> metadata, long dataStart) {
        this.tensors = tensors;
        this.metadata = metadata;
        this.dataStart = dataStart;
    }

    static SafeTensorsHeader read(FileChannel channel, String source) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw new MalformedFileException(source + " is " + fileSize + " bytes long, too short for a"
                    + " safetensors file (expected an 8-byte header length first).");
        }
        ByteBuffer lengthField = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        PositionalReads.readFully(channel, lengthField, 0, source);
        long headerLength = lengthField.getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
            throw new MalformedFileException(source + " claims a safetensors header of " + headerLength
                    + " bytes but expected 2 to " + Math.min(MAX_HEADER_BYTES, fileSize - 8)
                    + " bytes (the file is " + fileSize + " bytes long; a header of " + Shapes.MAX_TENSORS
                    + " tensors fits in " + MAX_HEADER_BYTES + ").");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        PositionalReads.readFully(channel, headerBytes, 8, source);
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBytes).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedFileException(source + " has a safetensors header that is not valid UTF-8.", e);
        }
        if (!json.startsWith("{")) {
            throw new MalformedFileException(source + " has a safetensors header that does not start with"
                    + " '{'; expected a JSON object.");
        }
        long dataStart = 8 + headerLength;
        try (JsonReader reader = new JsonReader(new StringReader(json))) {
            SafeTensorsHeader header = parse(reader, source, fileSize - dataStart, dataStart);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new MalformedFileException(source + " has data after its safetensors header's JSON object.");
            }
            return header;
        } catch (MalformedFileException e) {
            throw e;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new MalformedFileException(source + " has a safetensors header that is not valid JSON ("
                    + e.getMessage() + ").", e);
        }
    }

    private static SafeTensorsHeader parse(JsonReader json, String source, long dataLength, long dataStart)
            throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        json.beginObject();
        while (json.hasNext()) {
            String name = json.nextName();
            if (!names.add(name)) {
                throw new MalformedFileException(source + " names '" + name + "' twice in its safetensors header.");
            }
            if (name.equals(METADATA_KEY)) {
                readMetadata(json, source, metadata);
            } else if (tensors.size() == Shapes.MAX_TENSORS) {
                throw new MalformedFileException(source + " declares more than " + Shapes.MAX_TENSORS
                        + " tensors, more than any network's state dict or zoo shard holds.");
            } else {
                tensors.add(readTensor(name, json, source, dataLength));
            }
        }
        json.endObject();
        requireTiling(tensors, source, dataLength);
        return new SafeTensorsHeader(Collections.unmodifiableList(tensors),
                Collections.unmodifiableMap(metadata), dataStart);
    }

    private static void readMetadata(JsonReader json, String source, Map<String, String> out) throws IOException {
        if (json.peek() != JsonToken.BEGIN_OBJECT) {
            throw new MalformedFileException(source + " has __metadata__ that is not a JSON object of strings.");
        }
        json.beginObject();
        while (json.hasNext()) {
            String key = json.nextName();
            if (json.peek() != JsonToken.STRING) {
                throw new MalformedFileException(source + " has __metadata__ entry '" + key
                        + "' whose value is not a string.");
            }
            out.put(key, json.nextString());
        }
        json.endObject();
    }

    private static TensorInfo readTensor(String name, JsonReader json, String source, long dataLength)
            throws IOException {
        String where = source + " tensor '" + name + "'";
        if (json.peek() != JsonToken.BEGIN_OBJECT) {
            throw new MalformedFileException(where + " is not a JSON object with dtype, shape and data_offsets.");
        }
        String dtypeName = null;
        long[] shape = null;
        long[] offsets = null;
        json.beginObject();
        while (json.hasNext()) {
            String field = json.nextName();
            switch (field) {
                case "dtype" -> {
                    if (json.peek() != JsonToken.STRING) {
                        throw new MalformedFileException(where + " has no string 'dtype'.");
                    }
                    dtypeName = json.nextString();
                }
                case "shape" -> shape = longs(json, -1, where, field);
                case "data_offsets" -> offsets = longs(json, 2, where, field);
                default -> json.skipValue();
            }
        }
        json.endObject();
        if (dtypeName == null) {
            throw new MalformedFileException(where + " has no string 'dtype'.");
        }
        String dtypeText = dtypeName;
        DType dtype = DType.fromSafetensors(dtypeText).orElseThrow(() -> new MalformedFileException(where
                + " has dtype " + dtypeText + " but only F32, F64, I32, I64 and U8 are supported."));
        if (shape == null || offsets == null) {
            throw new MalformedFileException(where + " lacks '" + (shape == null ? "shape" : "data_offsets")
                    + "' as a JSON array of non-negative integers.");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end || end > dataLength) {
            throw new MalformedFileException(where + " has data_offsets [" + begin + ", " + end
                    + "] but expected begin <= end <= " + dataLength + ", the size of the data section.");
        }
        long bytes = Shapes.byteCount(shape, dtype.byteSize());
        if (bytes != end - begin) {
            throw new MalformedFileException(where + " has shape " + Shapes.format(shape) + " of " + dtypeText
                    + " (" + (bytes < 0 ? "overflowing" : bytes) + " bytes) but data_offsets span "
                    + (end - begin) + " bytes.");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /** Reads an array of at most {@link #MAX_RANK} non-negative integers ({@code expectedLength} of them when positive). */
    private static long[] longs(JsonReader json, int expectedLength, String where, String field) throws IOException {
        String expected = "'" + field + "' as a JSON array of " + (expectedLength > 0 ? expectedLength + " " : "")
                + "non-negative integers";
        if (json.peek() != JsonToken.BEGIN_ARRAY) {
            throw new MalformedFileException(where + " lacks " + expected + ".");
        }
        long[] out = new long[MAX_RANK];
        int n = 0;
        json.beginArray();
        while (json.hasNext()) {
            if (n == MAX_RANK || json.peek() != JsonToken.NUMBER) {
                throw new MalformedFileException(where + " lacks " + expected
                        + (n == MAX_RANK ? " (more than " + MAX_RANK + " of them)." : "."));
            }
            String text = json.nextString();
            long v;
            try {
                v = new BigDecimal(text).longValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                throw new MalformedFileException(where + " lacks " + expected + " (found " + text + ").", e);
            }
            if (v < 0) {
                throw new MalformedFileException(where + " lacks " + expected + " (found " + text + ").");
            }
            out[n++] = v;
        }
        json.endArray();
        if (expectedLength >= 0 && n != expectedLength) {
            throw new MalformedFileException(where + " lacks " + expected + ".");
        }
        return Arrays.copyOf(out, n);
    }

    private static void requireTiling(List<TensorInfo> tensors, String source, long dataLength)
            throws MalformedFileException {
        List<TensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long covered = 0;
        String previous = null;
        for (TensorInfo t : byOffset) {
            if (t.begin() < covered) {
                throw new MalformedFileException(source + " tensor '" + t.name() + "' overlaps tensor '"
                        + previous + "': it starts at byte " + t.begin() + " but expected " + covered + ".");
            }
            if (t.begin() > covered) {
                throw new MalformedFileException(source + " has a gap in its data section: tensor '" + t.name()
                        + "' starts at byte " + t.begin() + " but expected " + covered + ".");
            }
            covered = t.end();
            previous = t.name();
        }
        if (covered != dataLength) {
            throw new MalformedFileException(source + " has a " + dataLength + "-byte data section but its"
                    + " tensors cover only " + covered + " bytes.");
        }
    }
}
