package dev.orbit.datasets.zoo;

import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A zoo read from a folder with one hyperparameter row per network: what the Small CNN Zoo reader
 * ({@code cnnzoo.SmallCnnZooSource}) and the state-dict reader ({@code statedict.StateDictFolderSource})
 * share. Each network's hyperparameters, group and hidden
 * activation are held in memory; its weights and targets are the subclass's.
 */
public abstract class FolderZooSource implements ModelZooSource {

    private final Path folder;
    private final NetworkSpec spec;
    private final List<Map<String, String>> hyperparameters;
    private final String[] groups;
    private final ActivationKind[] activations;

    protected FolderZooSource(Path folder, NetworkSpec spec, List<Map<String, String>> hyperparameters, String[] groups,
            ActivationKind[] activations) {
        this.folder = folder;
        this.spec = spec;
        this.hyperparameters = hyperparameters;
        this.groups = groups;
        this.activations = activations;
    }

    @Override
    public final NetworkSpec spec() {
        return spec;
    }

    @Override
    public final int size() {
        return groups.length;
    }

    @Override
    public final Map<String, String> hyperparameters(int row) {
        return hyperparameters.get(checkRow(row));
    }

    @Override
    public final String group(int row) {
        return groups[checkRow(row)];
    }

    @Override
    public final ActivationKind activation(int row) {
        return activations[checkRow(row)];
    }

    /** The folder read. */
    public final Path folder() {
        return folder;
    }

    /** {@code row}, once checked to be in [0, size()). */
    protected final int checkRow(int row) {
        if (row < 0 || row >= size()) {
            throw new IndexOutOfBoundsException("Network " + row + " is outside [0, " + size() + ") of " + folder);
        }
        return row;
    }

    /**
     * The settings both folder formats take.
     *
     * @param <B> the concrete builder, so that setters chain
     */
    public abstract static class Builder<B extends Builder<B>> {
        protected Path folder;
        protected long[] inputShape;
        protected ActivationKind activation = ActivationKind.RELU;
        protected int convStride;
        protected int convPadding;

        protected Builder(int defaultConvStride) {
            this.convStride = defaultConvStride;
        }

        /** Required: the zoo's folder. */
        public B setFolder(Path folder) {
            this.folder = folder;
            return self();
        }

        /** Optional: one input's shape, when the format does not say it; the default is the format's. */
        public B optInputShape(long[] inputShape) {
            this.inputShape = inputShape.clone();
            return self();
        }

        /** Optional: convolution stride and padding, which the files do not record; the default is the format's. */
        public B optConvolution(int stride, int padding) {
            this.convStride = stride;
            this.convPadding = padding;
            return self();
        }

        /** Optional: the hidden activation of networks whose hyperparameters have no activation column; default relu. */
        public B optActivation(ActivationKind activation) {
            this.activation = activation;
            return self();
        }

        protected abstract B self();

        /** Checks that the folder is set and exists, naming {@code source} in the message. */
        protected void checkFolder(String source) throws NoSuchFileException {
            if (folder == null) {
                throw new IllegalArgumentException(source + " needs setFolder(folder)");
            }
            if (!Files.isDirectory(folder)) {
                throw new NoSuchFileException(folder.toString(), null, "the zoo folder does not exist");
            }
        }
    }
}
