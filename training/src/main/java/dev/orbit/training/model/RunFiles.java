package dev.orbit.training.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.orbit.datasets.io.MalformedFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The small files of a run folder ({@code run.json}, {@code checkpoint/progress.json}, the model's
 * JSON): read so that an empty, truncated or hostile file is one line naming it, written so that a
 * kill never leaves half a file.
 */
public final class RunFiles {

    /** JSON files of a run are small; a larger one is not Orbit's. */
    private static final long MAX_JSON_BYTES = 64L << 20;

    private RunFiles() {}

    /**
     * A JSON object file.
     *
     * @throws MalformedFileException when it is empty, not JSON or not an object
     */
    public static JsonObject readObject(Path file) throws IOException {
        if (Files.size(file) > MAX_JSON_BYTES) {
            throw new MalformedFileException(file + " is " + Files.size(file) + " bytes, too large for Orbit's JSON.");
        }
        JsonElement json;
        try {
            json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            throw new MalformedFileException(file + " is not valid JSON (truncated or corrupt).", e);
        }
        if (!json.isJsonObject()) {
            throw new MalformedFileException(file + " does not hold a JSON object" + (json.isJsonNull() ? " (it is empty)." : "."));
        }
        return json.getAsJsonObject();
    }

    /** A string field of a JSON object file, or a one-line error naming the file when it is missing. */
    public static String requireString(JsonObject json, String key, Path file) throws MalformedFileException {
        JsonElement e = json.get(key);
        if (e == null || !e.isJsonPrimitive()) {
            throw new MalformedFileException(file + " has no " + key + "; it is not Orbit's or was cut short.");
        }
        return e.getAsString();
    }

    /**
     * A run folder is new, empty, or a run of the command whose marker file it holds; anything else
     * is refused before a file is written, so a run never overwrites or deletes what it did not write.
     *
     * @param marker the file that marks a run of this command (e.g. {@code run.json})
     * @param lockFile the run's lock file, which an interrupted run may leave behind
     */
    public static void requireOwnFolder(Path out, String marker, String lockFile) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException(out + " is a file, not a run folder; choose a folder for --out.");
        }
        if (!Files.isDirectory(out) || Files.isRegularFile(out.resolve(marker))) {
            return;
        }
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(out)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.equals(lockFile) && !name.equals(marker + ".tmp")) {
                    throw new IllegalArgumentException(out + " is not empty and holds no " + marker + " (found " + name
                            + "), so it is not a run of this command; choose an empty or new --out folder.");
                }
            }
        }
    }

    /** Replaces {@code file} by writing a sibling and renaming it over the file. */
    public static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
