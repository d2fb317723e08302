package dev.orbit.training.fit;

import dev.orbit.training.model.RunFiles;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import dev.orbit.datasets.io.MalformedFileException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The state of a fit after a finished epoch, in a folder: {@code progress.json} (epoch count,
 * early-stopping state, history) naming the epoch's model and optimiser files, which are written
 * first. {@code progress.json} is replaced last and atomically, so an interruption at any moment
 * leaves the previous epoch's complete state.
 * Used by {@link MetanetTrainer} and by the generative fits ({@code training.generate}).
 */
public final class TrainingCheckpoint {

    static final int VERSION = 1;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();
    private static final String PROGRESS = "progress.json";
    /** The per-epoch files {@link #epochFile} names: the only files besides progress.json this class writes or deletes. */
    private static final Pattern OWN_FILE = Pattern.compile("(model|best)-\\d{4,}\\.params|adam-\\d{4,}\\.ndlist");

    /** The JSON of progress.json. */
    public static final class Progress {
        public int version = VERSION;
        public String fingerprint;
        public int epochsCompleted;
        public int bestEpoch;
        public double bestValidationTau = Double.NEGATIVE_INFINITY;
        public int staleEpochs;
        public boolean stoppedEarly;
        public String modelFile;
        public String optimizerFile;
        public String bestModelFile;
        public List<EpochRecord> history = new ArrayList<>();
    }

    private final Path folder;

    public TrainingCheckpoint(Path folder) {
        this.folder = folder;
    }

    public Path folder() {
        return folder;
    }

    /** The saved progress, or null when the folder holds none. */
    public Progress read() throws IOException {
        Path file = folder.resolve(PROGRESS);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Progress p;
        try {
            p = GSON.fromJson(RunFiles.readObject(file), Progress.class);
        } catch (JsonParseException e) {
            throw new MalformedFileException(file + " is not a readable checkpoint (" + e.getMessage()
                    + "); delete the folder to start over.", e);
        }
        if (p.version != VERSION) {
            throw new MalformedFileException(file + " was written by another version of Orbit; delete the folder to"
                    + " start over.");
        }
        for (String f : new String[] {p.modelFile, p.optimizerFile, p.bestModelFile}) {
            // A plain checkpoint file name: nothing outside the folder ("../..", absolute paths) is ever read.
            if (f == null || !OWN_FILE.matcher(f).matches()) {
                throw new MalformedFileException(file + " names '" + f + "', which is not a checkpoint file of this"
                        + " folder; refusing to read outside the run folder.");
            }
            if (!Files.isRegularFile(folder.resolve(f))) {
                throw new MalformedFileException(file + " names " + f + ", which is missing; delete the folder to"
                        + " start over.");
            }
        }
        return p;
    }

    /** Path for a new file of this epoch, e.g. {@code model-0003.params}. */
    public Path epochFile(String stem, int epoch, String extension) {
        return folder.resolve(String.format("%s-%04d.%s", stem, epoch, extension));
    }

    /**
     * Commits progress (after its files were written) and deletes the checkpoint files it no longer
     * names. Only files this class writes are deleted: anything else in the folder is left alone.
     */
    public void commit(Progress progress) throws IOException {
        Files.createDirectories(folder);
        RunFiles.writeAtomically(folder.resolve(PROGRESS), GSON.toJson(progress));
        Set<String> keep = Set.of(progress.modelFile, progress.optimizerFile, progress.bestModelFile);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (OWN_FILE.matcher(name).matches() && !keep.contains(name)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
