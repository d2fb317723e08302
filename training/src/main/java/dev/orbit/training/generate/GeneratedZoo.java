package dev.orbit.training.generate;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.zoo.CheckpointMetrics;
import dev.orbit.zoo.CheckpointRecord;
import dev.orbit.zoo.Hyperparameters;
import dev.orbit.zoo.ZooEvaluation;
import dev.orbit.zoo.format.Provenance;
import dev.orbit.zoo.format.ZooDescription;
import dev.orbit.zoo.format.ZooWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Writes networks sampled from a {@link TrainedGenerator} as an Orbit zoo ({@link ZooWriter}), so
 * that {@code zoo info | verify | export | evaluate} and {@code predict} read them like any zoo.
 *
 * <p>Each network is one checkpoint at epoch 0. The manifest records what made them: recipe
 * {@code generated}, the sampling seed, the run and its provenance (as the zoo's
 * {@code hyperparameter_space}), and every network's requested test accuracy and activation (its
 * {@code options}). A network's metrics row carries its activation, {@code w_init} =
 * {@code generated}, its own seed, and no measured metrics (NaN) until {@code orbit zoo evaluate}
 * measures them. Resumable: sampling is deterministic per (seed, network id), so a rerun of the same
 * command samples only the networks the folder lacks.
 */
public final class GeneratedZoo {

    /** Networks sampled at a time. */
    private static final int BATCH = 64;

    private GeneratedZoo() {}

    /**
     * What to generate.
     *
     * @param count networks
     * @param targets requested test accuracies, assigned to networks in turn
     * @param activations activations, assigned to networks in turn
     * @param seed the sampling seed
     * @param guidance the classifier-free guidance weight; 1 for none
     */
    public record Request(int count, double[] targets, List<ActivationKind> activations, long seed, double guidance) {

        /** Validates. */
        public Request {
            if (count < 1) {
                throw new IllegalArgumentException("--count must be at least 1, got " + count);
            }
            if (targets.length == 0 || activations.isEmpty()) {
                throw new IllegalArgumentException("A request needs at least one target accuracy and activation");
            }
            for (double t : targets) {
                if (!(t >= 0 && t <= 1)) {
                    throw new IllegalArgumentException("A target accuracy lies in [0, 1], got " + t);
                }
            }
            if (!(guidance >= 0) || !Double.isFinite(guidance)) {
                throw new IllegalArgumentException("--guidance must be >= 0, got " + guidance);
            }
            targets = targets.clone();
            activations = List.copyOf(activations);
        }

        double target(int id) {
            return targets[id % targets.length];
        }

        ActivationKind activation(int id) {
            return activations.get(id % activations.size());
        }
    }

    /**
     * Samples and writes the networks the folder still lacks.
     *
     * @param run the run folder the generator came from, recorded
     * @param provenance the Orbit build that samples
     * @param progress told (networks written, total)
     * @return networks in the zoo
     */
    public static int write(Path out, TrainedGenerator generator, Path run, Request request, Provenance provenance,
            BiConsumer<Integer, Integer> progress) throws IOException {
        for (ActivationKind a : request.activations()) {
            if (!generator.activations().contains(a)) {
                throw new IllegalArgumentException("The generator of " + run + " knows activations "
                        + generator.activations() + ", not " + a.id());
            }
        }
        ZooDescription description = new ZooDescription(generator.spec(),
                generator.dataset() == null ? ZooEvaluation.UNKNOWN_DATASET : generator.dataset(), request.seed(), "generated",
                origin(generator, run).toString(), 0, List.of(0), conditions(generator, request).toString());
        try (ZooWriter writer = ZooWriter.open(out, description, request.count(), provenance, ZooWriter.Options.defaults())) {
            int[] remaining = writer.remainingNetworks();
            for (int from = 0; from < remaining.length; from += BATCH) {
                int to = Math.min(remaining.length, from + BATCH);
                int[] ids = java.util.Arrays.copyOfRange(remaining, from, to);
                double[] targets = java.util.Arrays.stream(ids).mapToDouble(request::target).toArray();
                ActivationKind[] activations = java.util.Arrays.stream(ids).mapToObj(request::activation)
                        .toArray(ActivationKind[]::new);
                float[][] weights = generator.sample(targets, activations, request.seed(), ids, request.guidance());
                for (int i = 0; i < ids.length; i++) {
                    writer.write(new CheckpointRecord(ids[i], 0, hyperparameters(request, ids[i]), weights[i],
                            new CheckpointMetrics(Double.NaN, Double.NaN, Double.NaN, Double.NaN, false)));
                }
                writer.flush();
                progress.accept(request.count() - remaining.length + to, request.count());
            }
            writer.close();
            return writer.manifest().completedNetworks().cardinality();
        }
    }

    private static Hyperparameters hyperparameters(Request request, int id) {
        return new Hyperparameters(request.activation(id), "generated", Double.NaN, Double.NaN, 0, 0, Double.NaN, "none",
                Double.NaN, 0, GenerationRun.mix(request.seed(), id));
    }

    /** The run and its provenance: the zoo's {@code hyperparameter_space}. */
    private static JsonObject origin(TrainedGenerator generator, Path run) {
        JsonObject o = new JsonObject();
        o.addProperty("generator", generator.config().model());
        o.addProperty("run", run.toAbsolutePath().normalize().toString());
        o.add("run_provenance", generator.provenance().toJson());
        return o;
    }

    /** Every network's condition: the zoo's {@code options}. */
    private static JsonObject conditions(TrainedGenerator generator, Request request) {
        JsonObject o = new JsonObject();
        o.addProperty("sampling_steps", generator.config().samplingSteps());
        o.addProperty("guidance", request.guidance());
        JsonArray targets = new JsonArray();
        JsonArray activations = new JsonArray();
        for (int id = 0; id < request.count(); id++) {
            targets.add(request.target(id));
            activations.add(request.activation(id).id());
        }
        o.add("target_accuracy", targets);
        o.add("activation", activations);
        return o;
    }
}
