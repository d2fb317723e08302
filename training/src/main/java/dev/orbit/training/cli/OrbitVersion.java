package dev.orbit.training.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** Versions of Orbit and of the engine it runs on, read from the build's filtered resource. */
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

    @Override
    public String[] getVersion() {
        Properties p = properties();
        return new String[] {
            "orbit " + p.getProperty("version", "unknown"),
            "DJL " + p.getProperty("djl", "unknown") + ", libtorch " + p.getProperty("libtorch", "unknown")
        };
    }
}
