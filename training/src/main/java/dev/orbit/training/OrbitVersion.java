package dev.orbit.training;

import dev.orbit.zoo.format.Provenance;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * Versions of Orbit and of the engine it runs on, read from the build's filtered resource: for
 * {@code orbit --version} and for the provenance of what Orbit writes (zoos, runs).
 */
public final class OrbitVersion implements CommandLine.IVersionProvider {

    /** Orbit, DJL and libtorch versions as written by the Maven build. */
    public static Properties properties() {
        Properties props = new Properties();
        try (InputStream in = OrbitVersion.class.getResourceAsStream("/orbit-version.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }

    /**
     * The commit the build came from, with {@code -dirty} when it had uncommitted changes; null when
     * built outside a git checkout (the property is then left unfiltered).
     */
    public static String gitCommit(Properties build) {
        String commit = build.getProperty("git_commit");
        if (!Provenance.isCommit(commit)) {
            return null;
        }
        return "true".equals(build.getProperty("git_dirty")) ? commit + "-dirty" : commit;
    }

    /** The provenance of something this build creates now: its versions and its commit. */
    public static Provenance buildProvenance() {
        Properties v = properties();
        return Provenance.of(v.getProperty("version"), v.getProperty("djl"), v.getProperty("libtorch"), gitCommit(v));
    }

    @Override
    public String[] getVersion() {
        Properties p = properties();
        String commit = gitCommit(p);
        return new String[] {
            "orbit " + p.getProperty("version", "unknown") + (commit == null ? "" : " (" + commit + ")"),
            "DJL " + p.getProperty("djl", "unknown") + ", libtorch " + p.getProperty("libtorch", "unknown")
        };
    }
}
