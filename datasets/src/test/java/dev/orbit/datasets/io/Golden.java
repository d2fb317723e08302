package dev.orbit.datasets.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Access to the NumPy-written golden files and, when present, to python3 + NumPy itself. */
final class Golden {

    private Golden() {}

    static Path file(String name) {
        URL url = Golden.class.getResource("golden/" + name);
        if (url == null) {
            throw new IllegalStateException("missing golden file " + name + "; see golden/README.md");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies a golden file into {@code dir} so a test may damage it. */
    static Path copy(String name, Path dir) {
        try {
            return Files.copy(file(name), dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return true when {@code python3 -c "import numpy"} succeeds */
    static boolean numpyAvailable() {
        return python("import numpy") != null;
    }

    /** Runs a Python snippet; returns its trimmed stdout, or null when python3 or NumPy is unavailable or it fails. */
    static String python(String code) {
        try {
            Process p = new ProcessBuilder("python3", "-c", code).redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
