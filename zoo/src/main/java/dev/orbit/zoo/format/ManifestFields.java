package dev.orbit.zoo.format;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;

/** Typed access to a manifest's JSON fields; a missing or mistyped field is one clear error naming it. */
final class ManifestFields {

    private final JsonObject object;
    private final String source;

    ManifestFields(JsonObject object, String source) {
        this.object = object;
        this.source = source;
    }

    JsonElement element(String name) throws ZooFormatException {
        JsonElement e = object.get(name);
        if (e == null || e.isJsonNull()) {
            throw corrupt(source, "lacks the field '" + name + "'");
        }
        return e;
    }

    boolean has(String name) {
        JsonElement e = object.get(name);
        return e != null && !e.isJsonNull();
    }

    JsonObject object(String name) throws ZooFormatException {
        JsonElement e = element(name);
        if (!e.isJsonObject()) {
            throw corrupt(source, "has a field '" + name + "' that is not a JSON object");
        }
        return e.getAsJsonObject();
    }

    JsonArray array(String name) throws ZooFormatException {
        JsonElement e = element(name);
        if (!e.isJsonArray()) {
            throw corrupt(source, "has a field '" + name + "' that is not a JSON array");
        }
        return e.getAsJsonArray();
    }

    String string(String name) throws ZooFormatException {
        JsonElement e = element(name);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw corrupt(source, "has a field '" + name + "' that is not a string");
        }
        return e.getAsString();
    }

    String optionalString(String name) throws ZooFormatException {
        return has(name) ? string(name) : null;
    }

    long longValue(String name) throws ZooFormatException {
        return asLong(element(name), source, name);
    }

    int intValue(String name) throws ZooFormatException {
        return asInt(element(name), source, name);
    }

    static long asLong(JsonElement e, String source, String name) throws ZooFormatException {
        if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isNumber()) {
            throw corrupt(source, "has a field '" + name + "' that is not an integer");
        }
        try {
            return new BigDecimal(e.getAsString()).longValueExact();
        } catch (ArithmeticException | NumberFormatException ex) {
            throw corrupt(source, "has a field '" + name + "' that is not an integer (" + e + ")");
        }
    }

    static int asInt(JsonElement e, String source, String name) throws ZooFormatException {
        long v = asLong(e, source, name);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw corrupt(source, "has a field '" + name + "' out of range (" + v + ")");
        }
        return (int) v;
    }

    /** @return whether {@code hex} is a SHA-256 as the manifest spells it: 64 lowercase hex digits */
    static boolean isSha256(String hex) {
        return hex.matches("[0-9a-f]{64}");
    }

    static ZooFormatException corrupt(String source, String what) {
        return new ZooFormatException(ZooFormatException.Reason.CORRUPT, source + " " + what + ".");
    }
}
