package dev.orbit.training.align;

import dev.orbit.datasets.zoo.ModelZooSource;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.symmetry.Canonicalization;
import dev.orbit.zoo.eval.NetworkRunner;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A zoo whose every network is replaced by its canonical form ({@link Canonicalization}, with the
 * row's own hidden activation): the preprocessing {@code --canonicalize} gives a non-invariant
 * metanet. Forms are computed once per row and kept (a zoo of 2,000 Small CNN Zoo networks holds
 * 40 MB of them).
 */
public final class CanonicalZooSource implements ModelZooSource {

    private final ModelZooSource source;
    private final float[][] forms;

    public CanonicalZooSource(ModelZooSource source) {
        this.source = source;
        this.forms = new float[source.size()][];
    }

    @Override
    public NetworkSpec spec() {
        return source.spec();
    }

    @Override
    public int size() {
        return source.size();
    }

    @Override
    public synchronized float[] weights(int row) throws IOException {
        if (forms[row] == null) {
            NetworkSpec spec = NetworkRunner.withHiddenActivation(source.spec(), source.activation(row));
            forms[row] = Canonicalization.canonicalForm(spec, source.weights(row));
        }
        return forms[row].clone();
    }

    @Override
    public List<String> targetNames() {
        return source.targetNames();
    }

    @Override
    public double target(int row, String name) {
        return source.target(row, name);
    }

    @Override
    public Map<String, String> hyperparameters(int row) {
        return source.hyperparameters(row);
    }

    @Override
    public String group(int row) {
        return source.group(row);
    }

    @Override
    public ActivationKind activation(int row) {
        return source.activation(row);
    }

    @Override
    public String describe() {
        return "canonical forms of " + source.describe();
    }

    /** Leaves the wrapped source open: it stays its opener's to close. */
    @Override
    public void close() {}
}
