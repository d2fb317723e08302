package dev.orbit.datasets.zoo;

import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small zoo held in memory, for tests: flat canonical weights per network and named targets.
 */
public final class InMemoryZooSource implements ModelZooSource {

    private final NetworkSpec spec;
    private final List<float[]> weights;
    private final Map<String, double[]> targets;
    private final List<String> groups;
    private final String description;

    private InMemoryZooSource(NetworkSpec spec, List<float[]> weights, Map<String, double[]> targets,
            List<String> groups, String description) {
        this.spec = spec;
        this.weights = weights;
        this.targets = targets;
        this.groups = groups;
        this.description = description;
    }

    /**
     * Creates a zoo.
     *
     * @param spec the architecture
     * @param weights one flat canonical vector per network (kept, not copied)
     * @param targets target name to one value per network
     * @param groups one hyperparameter group per network, or null for one group per network
     */
    public static InMemoryZooSource of(NetworkSpec spec, List<float[]> weights, Map<String, double[]> targets,
            List<String> groups) {
        long p = spec.parameterCount();
        for (int i = 0; i < weights.size(); i++) {
            if (weights.get(i).length != p) {
                throw new IllegalArgumentException("Network " + i + " has " + weights.get(i).length + " weights, the spec "
                        + p);
            }
        }
        targets.forEach((name, values) -> {
            if (values.length != weights.size()) {
                throw new IllegalArgumentException("Target " + name + " has " + values.length + " values for "
                        + weights.size() + " networks");
            }
        });
        List<String> g = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            g.add(groups == null ? "network-" + i : groups.get(i));
        }
        return new InMemoryZooSource(spec, List.copyOf(weights), new LinkedHashMap<>(targets), g,
                "in-memory zoo (" + weights.size() + " networks, " + spec.describe() + ")");
    }

    @Override
    public NetworkSpec spec() {
        return spec;
    }

    @Override
    public int size() {
        return weights.size();
    }

    @Override
    public float[] weights(int row) {
        return weights.get(row).clone();
    }

    @Override
    public List<String> targetNames() {
        return List.copyOf(targets.keySet());
    }

    @Override
    public double target(int row, String name) {
        double[] v = targets.get(name);
        if (v == null) {
            throw new IllegalArgumentException("The in-memory zoo has no target '" + name + "'; it provides "
                    + String.join(", ", targets.keySet()));
        }
        return v[row];
    }

    @Override
    public Map<String, String> hyperparameters(int row) {
        return Map.of();
    }

    @Override
    public String group(int row) {
        return groups.get(row);
    }

    @Override
    public ActivationKind activation(int row) {
        return spec.layer(0).activation();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {}
}
