package dev.orbit.training.fit;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The state of a fit after a finished epoch, in a folder: {@code progress.json} (epoch count,
 * early-stopping state, history) naming the epoch's model and optimiser files, which are written
 * first. {@code progress.json} is replaced last and atomically, so an interruption at any moment
 * leaves the previous epoch's complete state.
 */
final class TrainingCheckpoint {

    static final int VERSION = 1;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();
    private static final String PROGRESS = "progress.json";

    /** The JSON of progress.json. */
    static final class Progress {
        int version = VERSION;
        String fingerprint;
        int epochsCompleted;
        int bestEpoch;
        double bestValidationTau = Double.NEGATIVE_INFINITY;
        int staleEpochs;
        boolean stoppedEarly;
        String modelFile;
        String optimizerFile;
        String bestModelFile;
        List<EpochRecord> history = new ArrayList<>();
    }

    private final Path folder;

    TrainingCheckpoint(Path folder) {
        this.folder = folder;
    }

    Path folder() {
        return folder;
    }

    /** The saved progress, or null when the folder holds none. */
    Progress read() throws IOException {
        Path file = folder.resolve(PROGRESS);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Progress p;
        try {
            p = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), Progress.class);
        } catch (JsonParseException e) {
            throw new IllegalStateException(file + " is not a readable checkpoint (" + e.getMessage()
                    + "); delete the folder to start over.");
        }
        if (p == null || p.version != VERSION) {
            throw new IllegalStateException(file + " was written by another version of Orbit; delete the folder to start over.");
        }
        for (String f : new String[] {p.modelFile, p.optimizerFile, p.bestModelFile}) {
            if (f == null || !Files.isRegularFile(folder.resolve(f))) {
                throw new IllegalStateException(file + " names " + f + ", which is missing; delete the folder to start over.");
            }
        }
        return p;
    }

    /** Path for a new file of this epoch, e.g. {@code model-0003.params}. */
    Path epochFile(String stem, int epoch, String extension) {
        return folder.resolve(String.format("%s-%04d.%s", stem, epoch, extension));
    }

    /** Commits progress (after its files were written) and deletes files it no longer names. */
    void commit(Progress progress) throws IOException {
        Files.createDirectories(folder);
        Path tmp = folder.resolve(PROGRESS + ".tmp");
        Files.writeString(tmp, GSON.toJson(progress), StandardCharsets.UTF_8);
        try {
            Files.move(tmp, folder.resolve(PROGRESS), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, folder.resolve(PROGRESS), StandardCopyOption.REPLACE_EXISTING);
        }
        Set<String> keep = Set.of(PROGRESS, progress.modelFile, progress.optimizerFile, progress.bestModelFile);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                if (!keep.contains(f.getFileName().toString())) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
