package dev.orbit.training.align;

import dev.orbit.datasets.zoo.ModelZooSource;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.OrbitZooSource;
import dev.orbit.zoo.ZooSources;
import dev.orbit.zoo.eval.NetworkRunner;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A zoo folder of any format whose rows are read as {@link Networks.Network}s: each row's spec
 * carries the hidden activation that row was trained with (zoos mix relu and tanh members).
 */
public final class ZooRows implements AutoCloseable {

    /** The input size a Small CNN Zoo folder's networks are assumed to read (its files do not say). */
    static final int CNN_ZOO_IMAGE_SIZE = 28;

    private final Path folder;
    private final ModelZooSource source;

    private ZooRows(Path folder, ModelZooSource source) {
        this.folder = folder;
        this.source = source;
    }

    /** Opens a zoo folder, detecting its format. */
    public static ZooRows open(Path folder) throws IOException {
        return new ZooRows(folder, ZooSources.open(folder, ZooSources.detect(folder), null, CNN_ZOO_IMAGE_SIZE));
    }

    /** Rows (networks at their final checkpoint). */
    public int size() {
        return source.size();
    }

    /** The dataset the zoo was trained on, when its folder records it (Orbit's format); else null. */
    public String dataset() {
        return source instanceof OrbitZooSource orbit ? orbit.reader().description().dataset() : null;
    }

    /** The underlying source, for targets and hyperparameters. */
    public ModelZooSource source() {
        return source;
    }

    /** Row {@code index} as a network named {@code folder#index}. */
    public Networks.Network row(int index) throws IOException {
        if (index < 0 || index >= source.size()) {
            throw new IllegalArgumentException(folder + "#" + index + ": the zoo has rows 0-" + (source.size() - 1) + ".");
        }
        NetworkSpec spec = NetworkRunner.withHiddenActivation(source.spec(), source.activation(index));
        return new Networks.Network(folder + "#" + index, spec, source.weights(index), dataset());
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
