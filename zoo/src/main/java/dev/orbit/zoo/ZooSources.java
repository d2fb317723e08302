package dev.orbit.zoo;

import dev.orbit.datasets.zoo.ModelZooSource;
import dev.orbit.datasets.zoo.statedict.StateDictFolderSource;
import dev.orbit.datasets.zoo.cnnzoo.SmallCnnZooSource;
import dev.orbit.zoo.format.ZooFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The one entry point that tells a zoo folder's format and opens it as a {@link ModelZooSource}:
 * Orbit's format ({@code manifest.json}), the Small CNN Zoo format ({@code weights.npy},
 * {@code layout.csv}, {@code metrics.csv.gz}) or a folder of state dicts ({@code labels.csv}).
 * This module is the lowest that knows all three.
 */
public final class ZooSources {

    /** The zoo folder formats, by the name the command line uses. */
    public enum Format {
        /** Orbit's zoo format: {@link OrbitZooSource}. */
        ORBIT("orbit"),
        /** The Small CNN Zoo format: {@link SmallCnnZooSource}. */
        CNN_ZOO("cnn-zoo"),
        /** One state dict per network and a labels file: {@link StateDictFolderSource}. */
        STATE_DICTS("state-dicts");

        private final String id;

        Format(String id) {
            this.id = id;
        }

        /** @return the name, e.g. {@code cnn-zoo} */
        public String id() {
            return id;
        }

        /**
         * @param id a name, any case
         * @return its format
         * @throws IllegalArgumentException for an unknown name, listing the known ones
         */
        public static Format parse(String id) {
            for (Format f : values()) {
                if (f.id.equalsIgnoreCase(id)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("Unknown --format '" + id + "'; expected "
                    + Arrays.stream(values()).map(Format::id).collect(Collectors.joining(", ")));
        }
    }

    private ZooSources() {}

    /**
     * The format of a zoo folder, by the file that marks it: {@code manifest.json}, else
     * {@code weights.npy}, else {@code labels.csv}.
     *
     * @throws NoSuchFileException when the folder does not exist
     * @throws IllegalArgumentException when it is a file or holds none of the three
     */
    public static Format detect(Path folder) throws IOException {
        if (Files.isRegularFile(folder)) {
            throw new IllegalArgumentException(folder + " is a file, not a zoo folder.");
        }
        if (!Files.isDirectory(folder)) {
            throw new NoSuchFileException(folder.toString());
        }
        if (Files.isRegularFile(folder.resolve(ZooFormat.MANIFEST))) {
            return Format.ORBIT;
        }
        if (SmallCnnZooSource.isFolder(folder)) {
            return Format.CNN_ZOO;
        }
        if (StateDictFolderSource.isFolder(folder)) {
            return Format.STATE_DICTS;
        }
        throw new IllegalArgumentException(folder + " is not a zoo: it has no " + ZooFormat.MANIFEST + " (orbit), "
                + SmallCnnZooSource.WEIGHTS + " (cnn-zoo) or " + StateDictFolderSource.LABELS
                + " (state-dicts); name one with --format.");
    }

    /**
     * Opens a zoo folder in a format.
     *
     * @param folder the zoo
     * @param format its format ({@link #detect} tells it)
     * @param checkpoint which checkpoint of each network: the epoch (orbit) or step (cnn-zoo); null for the last
     * @param imageSize the square input size of a Small CNN Zoo's networks (its files do not say it)
     * @throws IllegalArgumentException when a checkpoint is given for a state-dict folder
     */
    public static ModelZooSource open(Path folder, Format format, Integer checkpoint, int imageSize) throws IOException {
        return open(folder, format, checkpoint, imageSize, false);
    }

    /**
     * Opens a zoo folder in a format; {@code strict} refuses an Orbit zoo holding non-finite
     * checkpoints that its metrics do not mark as diverged, where the default leaves them out.
     */
    public static ModelZooSource open(Path folder, Format format, Integer checkpoint, int imageSize, boolean strict)
            throws IOException {
        switch (format) {
            case ORBIT:
                return OrbitZooSource.open(folder, checkpoint == null ? -1 : checkpoint, strict);
            case CNN_ZOO: {
                SmallCnnZooSource.Builder b = SmallCnnZooSource.builder().setFolder(folder).optImageSize(imageSize);
                if (checkpoint != null) {
                    b.optStep(checkpoint);
                }
                return b.build();
            }
            case STATE_DICTS:
                if (checkpoint != null) {
                    throw new IllegalArgumentException("--checkpoint does not apply to a state-dicts folder");
                }
                return StateDictFolderSource.open(folder);
            default:
                throw new AssertionError(format);
        }
    }
}
