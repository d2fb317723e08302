package dev.orbit.training.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.orbit.zoo.format.Provenance;

/**
 * Where a trained metanet came from, saved with it ({@code RUN/model/provenance.json}) so that the
 * run can be repeated: the zoo and how it was split, the model and seed, and the build that trained
 * it ({@link Provenance}: Orbit, DJL and libtorch versions, the git commit of the Orbit build,
 * when).
 *
 * @param zoo the zoo folder
 * @param zooFormat orbit, cnn-zoo or state-dicts
 * @param zooDescription the zoo's one-line description
 * @param target the predicted target
 * @param model the metanet's description
 * @param seed the seed of split, initialisation and order
 * @param split the split's kind (random, group, nfn, ...)
 * @param trainNetworks networks in the training split
 * @param javaVersion the JVM that trained it
 * @param build versions, commit and creation time
 */
public record RunProvenance(String zoo, String zooFormat, String zooDescription, String target, String model,
        long seed, String split, int trainNetworks, String javaVersion, Provenance build) {

    /** The flat JSON of {@code provenance.json}: the run's fields, then the build's as a zoo manifest has them. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("zoo", zoo);
        o.addProperty("zoo_format", zooFormat);
        o.addProperty("zoo_description", zooDescription);
        o.addProperty("target", target);
        o.addProperty("model", model);
        o.addProperty("seed", seed);
        o.addProperty("split", split);
        o.addProperty("train_networks", trainNetworks);
        o.addProperty("java_version", javaVersion);
        build.toJson().entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
        return o;
    }

    /**
     * Reads {@link #toJson}; fields a run of an older Orbit lacks (the commit) are null, and its
     * {@code created} stands for {@code created_at}.
     */
    public static RunProvenance fromJson(JsonObject o) {
        return new RunProvenance(string(o, "zoo"), string(o, "zoo_format"), string(o, "zoo_description"),
                string(o, "target"), string(o, "model"), o.has("seed") ? o.get("seed").getAsLong() : 0,
                string(o, "split"), o.has("train_networks") ? o.get("train_networks").getAsInt() : 0,
                string(o, "java_version"), new Provenance(string(o, "orbit_version"), string(o, "djl_version"),
                        string(o, "libtorch_version"), string(o, "git_commit"),
                        string(o, o.has("created_at") ? "created_at" : "created")));
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }
}
