package dev.orbit.datasets.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates a safetensors header: 8-byte little-endian length, then a JSON object mapping
 * tensor names to {@code {dtype, shape, data_offsets}} plus an optional {@code __metadata__} string
 * map. As in the reference implementation, the tensors must tile the data section exactly: no
 * overlaps, no gaps, nothing past the end and nothing left over.
 */
final class SafeTensorsHeader {

    /** The reference implementation's limit on the JSON header. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
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
                    + " bytes (the file is " + fileSize + " bytes long).");
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
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new MalformedFileException(source + " has a safetensors header that is not valid JSON ("
                    + e.getMessage() + ").", e);
        }
        if (!root.isJsonObject()) {
            throw new MalformedFileException(source + " has a safetensors header that is not a JSON object.");
        }
        long dataStart = 8 + headerLength;
        return parse(root.getAsJsonObject(), source, fileSize - dataStart, dataStart);
    }

    private static SafeTensorsHeader parse(JsonObject root, String source, long dataLength, long dataStart)
            throws MalformedFileException {
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : root.entrySet()) {
            if (e.getKey().equals(METADATA_KEY)) {
                readMetadata(e.getValue(), source, metadata);
            } else {
                tensors.add(readTensor(e.getKey(), e.getValue(), source, dataLength));
            }
        }
        requireTiling(tensors, source, dataLength);
        return new SafeTensorsHeader(Collections.unmodifiableList(tensors),
                Collections.unmodifiableMap(metadata), dataStart);
    }

    private static void readMetadata(JsonElement value, String source, Map<String, String> out)
            throws MalformedFileException {
        if (!value.isJsonObject()) {
            throw new MalformedFileException(source + " has __metadata__ that is not a JSON object of strings.");
        }
        for (Map.Entry<String, JsonElement> m : value.getAsJsonObject().entrySet()) {
            JsonElement v = m.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw new MalformedFileException(source + " has __metadata__ entry '" + m.getKey()
                        + "' whose value is not a string.");
            }
            out.put(m.getKey(), v.getAsString());
        }
    }

    private static TensorInfo readTensor(String name, JsonElement value, String source, long dataLength)
            throws MalformedFileException {
        String where = source + " tensor '" + name + "'";
        if (!value.isJsonObject()) {
            throw new MalformedFileException(where + " is not a JSON object with dtype, shape and data_offsets.");
        }
        JsonObject o = value.getAsJsonObject();
        JsonElement dtypeJson = o.get("dtype");
        if (dtypeJson == null || !dtypeJson.isJsonPrimitive() || !dtypeJson.getAsJsonPrimitive().isString()) {
            throw new MalformedFileException(where + " has no string 'dtype'.");
        }
        String dtypeName = dtypeJson.getAsString();
        DType dtype = DType.fromSafetensors(dtypeName).orElseThrow(() -> new MalformedFileException(where
                + " has dtype " + dtypeName + " but only F32, F64, I32, I64 and U8 are supported."));
        long[] shape = longs(o.get("shape"), -1, where, "shape");
        long[] offsets = longs(o.get("data_offsets"), 2, where, "data_offsets");
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end || end > dataLength) {
            throw new MalformedFileException(where + " has data_offsets [" + begin + ", " + end
                    + "] but expected begin <= end <= " + dataLength + ", the size of the data section.");
        }
        long bytes = Shapes.byteCount(shape, dtype.byteSize());
        if (bytes != end - begin) {
            throw new MalformedFileException(where + " has shape " + Shapes.format(shape) + " of " + dtypeName
                    + " (" + (bytes < 0 ? "overflowing" : bytes) + " bytes) but data_offsets span "
                    + (end - begin) + " bytes.");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] longs(JsonElement value, int expectedLength, String where, String field)
            throws MalformedFileException {
        String expected = "'" + field + "' as a JSON array of " + (expectedLength > 0 ? expectedLength + " " : "")
                + "non-negative integers";
        if (value == null || !value.isJsonArray()
                || (expectedLength >= 0 && value.getAsJsonArray().size() != expectedLength)) {
            throw new MalformedFileException(where + " lacks " + expected + ".");
        }
        JsonArray array = value.getAsJsonArray();
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement e = array.get(i);
            if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isNumber()) {
                throw new MalformedFileException(where + " lacks " + expected + ".");
            }
            BigDecimal d;
            try {
                d = e.getAsBigDecimal();
            } catch (NumberFormatException nfe) {
                throw new MalformedFileException(where + " lacks " + expected + ".", nfe);
            }
            if (d.signum() < 0 || d.stripTrailingZeros().scale() > 0 || d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new MalformedFileException(where + " lacks " + expected + " (found " + e + ").");
            }
            out[i] = d.longValueExact();
        }
        return out;
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
