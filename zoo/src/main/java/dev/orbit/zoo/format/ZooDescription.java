package dev.orbit.zoo.format;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What a zoo is: everything that must match for a writer to add networks to an existing zoo folder.
 * Two descriptions that differ in any field describe different zoos (the number of networks is not
 * part of it: a zoo may be extended).
 *
 * @param spec the architecture every member shares
 * @param dataset the dataset the members were trained on (e.g. {@code fashion-mnist})
 * @param seed the zoo seed from which every member's own seed is derived
 * @param recipe the recipe preset's name, or {@code custom}
 * @param hyperparameterSpace the space members' hyperparameters are drawn from, as JSON (opaque here)
 * @param epochs epochs each member is trained for
 * @param checkpointEpochs the epochs at which a checkpoint is saved, ascending, each in [0, epochs]
 * @param options further training options that change the weights, as a JSON object (opaque here)
 */
public record ZooDescription(
        NetworkSpec spec,
        String dataset,
        long seed,
        String recipe,
        String hyperparameterSpace,
        int epochs,
        List<Integer> checkpointEpochs,
        String options) {

    /** Validates and normalises: checkpoints sorted and unique, JSON fields parsed, nulls replaced. */
    public ZooDescription {
        Objects.requireNonNull(spec, "spec");
        if (dataset == null || dataset.isBlank()) {
            throw new IllegalArgumentException("A zoo needs a dataset name");
        }
        recipe = recipe == null || recipe.isBlank() ? "custom" : recipe;
        hyperparameterSpace = canonicalJson(hyperparameterSpace, "hyperparameterSpace");
        options = canonicalJson(options, "options");
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        if (checkpointEpochs == null || checkpointEpochs.isEmpty()) {
            throw new IllegalArgumentException("A zoo needs at least one checkpoint epoch");
        }
        TreeSet<Integer> sorted = new TreeSet<>(checkpointEpochs);
        if (sorted.size() != checkpointEpochs.size()) {
            throw new IllegalArgumentException("Checkpoint epochs repeat: " + checkpointEpochs);
        }
        if (sorted.first() < 0 || sorted.last() > epochs) {
            throw new IllegalArgumentException(
                    "Checkpoint epochs must lie in [0, " + epochs + "], got " + checkpointEpochs);
        }
        checkpointEpochs = List.copyOf(sorted);
    }

    /** @return checkpoints saved per network */
    public int checkpointsPerNetwork() {
        return checkpointEpochs.size();
    }

    /** @return the last checkpoint epoch, whose metrics describe a trained network */
    public int finalEpoch() {
        return checkpointEpochs.get(checkpointEpochs.size() - 1);
    }

    /**
     * Names the fields in which {@code other} differs from this description, for the error that
     * refuses to mix two zoos in one folder.
     *
     * @param other the description a writer was asked to continue with
     * @return one phrase per differing field; empty when both describe the same zoo
     */
    public List<String> differences(ZooDescription other) {
        List<String> out = new ArrayList<>();
        if (!spec.equals(other.spec)) {
            out.add("architecture " + other.spec.describe() + " (the folder holds " + spec.describe() + ")");
        }
        if (!dataset.equals(other.dataset)) {
            out.add("dataset " + other.dataset + " (the folder holds " + dataset + ")");
        }
        if (seed != other.seed) {
            out.add("seed " + other.seed + " (the folder holds " + seed + ")");
        }
        if (!recipe.equals(other.recipe)) {
            out.add("recipe " + other.recipe + " (the folder holds " + recipe + ")");
        }
        if (epochs != other.epochs) {
            out.add("epochs " + other.epochs + " (the folder holds " + epochs + ")");
        }
        if (!checkpointEpochs.equals(other.checkpointEpochs)) {
            out.add("checkpoints " + other.checkpointEpochs + " (the folder holds " + checkpointEpochs + ")");
        }
        if (!JsonParser.parseString(hyperparameterSpace).equals(JsonParser.parseString(other.hyperparameterSpace))) {
            out.add("another hyperparameter space");
        }
        if (!JsonParser.parseString(options).equals(JsonParser.parseString(other.options))) {
            out.add("options " + other.options + " (the folder holds " + options + ")");
        }
        return out;
    }

    /** Adds this description's fields to a manifest object. */
    void writeTo(JsonObject manifest) {
        manifest.add("network_spec", JsonParser.parseString(spec.toJson()));
        manifest.addProperty("dataset", dataset);
        manifest.addProperty("seed", seed);
        manifest.addProperty("recipe", recipe);
        manifest.add("hyperparameter_space", JsonParser.parseString(hyperparameterSpace));
        manifest.addProperty("epochs", epochs);
        JsonArray checkpoints = new JsonArray();
        checkpointEpochs.forEach(checkpoints::add);
        manifest.add("checkpoint_epochs", checkpoints);
        manifest.add("options", JsonParser.parseString(options));
    }

    /** Reads the fields {@link #writeTo} wrote; a missing or malformed field is reported by name. */
    static ZooDescription readFrom(JsonObject manifest, String source) throws ZooFormatException {
        ManifestFields f = new ManifestFields(manifest, source);
        NetworkSpec spec;
        try {
            spec = NetworkSpec.fromJson(f.object("network_spec").toString());
        } catch (RuntimeException e) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT,
                    source + " has an invalid network_spec (" + e.getMessage() + ").", e);
        }
        List<Integer> checkpoints = new ArrayList<>();
        for (JsonElement e : f.array("checkpoint_epochs")) {
            checkpoints.add(ManifestFields.asInt(e, source, "checkpoint_epochs"));
        }
        try {
            return new ZooDescription(spec, f.string("dataset"), f.longValue("seed"), f.string("recipe"),
                    f.element("hyperparameter_space").toString(), f.intValue("epochs"), checkpoints,
                    f.object("options").toString());
        } catch (IllegalArgumentException e) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT,
                    source + " describes an invalid zoo (" + e.getMessage() + ").", e);
        }
    }

    private static String canonicalJson(String json, String field) {
        if (json == null || json.isBlank()) {
            return "{}";
        }
        try {
            return JsonParser.parseString(json).toString();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(field + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
