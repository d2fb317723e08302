package dev.orbit.zoo.format;

import ai.djl.engine.Engine;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Where a zoo came from, recorded in its manifest so that it can be rebuilt: the versions of Orbit,
 * DJL and libtorch that trained it, the source commit when known, and when it was created.
 *
 * @param orbitVersion Orbit's version
 * @param djlVersion DJL's version
 * @param libtorchVersion the PyTorch native library's version
 * @param gitCommit the commit of the Orbit checkout that ran, or null when unknown
 * @param createdAt when the zoo was created (ISO-8601 instant)
 */
public record Provenance(
        String orbitVersion, String djlVersion, String libtorchVersion, String gitCommit, String createdAt) {

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /** Replaces missing versions with {@code unknown}. */
    public Provenance {
        orbitVersion = orUnknown(orbitVersion);
        djlVersion = orUnknown(djlVersion);
        libtorchVersion = orUnknown(libtorchVersion);
        createdAt = createdAt == null ? Instant.now().toString() : createdAt;
    }

    /**
     * Provenance for a zoo created now, with the given versions and commit (the CLI passes those its
     * build recorded).
     *
     * @param orbitVersion Orbit's version
     * @param djlVersion DJL's version
     * @param libtorchVersion libtorch's version
     * @param gitCommit the commit Orbit was built from ({@code -dirty} appended for uncommitted changes), or null
     * @return the provenance
     */
    public static Provenance of(String orbitVersion, String djlVersion, String libtorchVersion, String gitCommit) {
        return new Provenance(orbitVersion, djlVersion, libtorchVersion, gitCommit, Instant.now().toString());
    }

    /**
     * Provenance for a zoo created now, asking DJL for its version and its engine for libtorch's.
     * Loads the engine; the commit is that of the working directory, if any. Use {@link #of} when the
     * build recorded its versions.
     *
     * @param orbitVersion Orbit's version
     * @return the provenance
     */
    public static Provenance detect(String orbitVersion) {
        String libtorch;
        try {
            libtorch = Engine.getInstance().getVersion();
        } catch (RuntimeException | LinkageError e) {
            libtorch = null; // no engine: still record what is known
        }
        return of(orbitVersion, Engine.getDjlVersion(), libtorch, currentGitCommit());
    }

    /** True for a full git commit id: 40 lowercase hex digits. */
    public static boolean isCommit(String s) {
        return s != null && COMMIT.matcher(s).matches();
    }

    /** @return {@code git rev-parse HEAD} in the working directory, or null (best effort, 5 s at most) */
    public static String currentGitCommit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readNBytes(200), StandardCharsets.UTF_8).trim();
            }
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 && isCommit(out) ? out : null;
        } catch (IOException e) {
            return null; // no git on this machine
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The JSON fields, as in a zoo manifest (also written into a training run's provenance). */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("orbit_version", orbitVersion);
        o.addProperty("djl_version", djlVersion);
        o.addProperty("libtorch_version", libtorchVersion);
        o.addProperty("git_commit", gitCommit);
        o.addProperty("created_at", createdAt);
        return o;
    }

    static Provenance fromJson(JsonObject o, String source) throws ZooFormatException {
        ManifestFields f = new ManifestFields(o, source);
        return new Provenance(f.optionalString("orbit_version"), f.optionalString("djl_version"),
                f.optionalString("libtorch_version"), f.optionalString("git_commit"), f.string("created_at"));
    }

    private static String orUnknown(String s) {
        return s == null || s.isBlank() ? "unknown" : s;
    }
}
