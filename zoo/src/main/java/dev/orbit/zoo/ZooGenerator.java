package dev.orbit.zoo;

import com.google.gson.JsonObject;
import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.format.Provenance;
import dev.orbit.zoo.format.ZooDescription;
import dev.orbit.zoo.format.ZooWriter;
import dev.orbit.zoo.space.ZooRecipe;
import dev.orbit.zoo.train.BatchedZooTrainer;
import dev.orbit.zoo.train.TrainingOptions;
import dev.orbit.zoo.train.TrainingProgress;
import dev.orbit.zoo.train.ZooMember;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Generates the zoo of a {@link ZooRecipe} into a folder: the batched trainer trains the members the
 * folder still lacks and a {@link ZooWriter} commits them. Calling it again on the same folder after
 * an interruption (even {@code kill -9}) continues where the last commit ended; a folder holding
 * another zoo is refused untouched ({@code ZooFormatException}). {@code orbit zoo generate} and
 * {@code orbit quickstart} both generate through here.
 */
public final class ZooGenerator {

    /** Hears about a generation, e.g. to print what happens and draw a progress bar. */
    public interface Listener {

        /** Prints nothing. */
        Listener SILENT = start -> TrainingProgress.NONE;

        /** The folder is open and the remaining networks are about to train; returns their progress sink. */
        TrainingProgress starting(Start start);

        /** Training of the remaining networks has ended, normally or not. */
        default void trainingEnded() {}
    }

    /**
     * Where a generation starts.
     *
     * @param recipe the recipe
     * @param spec its architecture
     * @param done networks the folder already holds
     * @param remaining networks still to train
     * @param recovery what opening the folder found and cleaned up
     */
    public record Start(ZooRecipe recipe, NetworkSpec spec, int done, int remaining, ZooWriter.Recovery recovery) {}

    /**
     * What the folder holds afterwards.
     *
     * @param networks complete networks
     * @param rows checkpoints
     * @param shards shard files
     * @param incompleteNetworks networks that did not emit every checkpoint (a rerun trains them again)
     */
    public record Result(int networks, long rows, int shards, int[] incompleteNetworks) {}

    private ZooGenerator() {}

    /**
     * Generates (or completes) the recipe's zoo in {@code out}.
     *
     * @param data the recipe's dataset, loaded
     * @param provenance the Orbit build and engine that generate
     */
    public static Result generate(Path out, ZooRecipe recipe, ImageSplit data, Provenance provenance,
            ZooWriter.Options writerOptions, Listener listener) throws Exception {
        TrainingOptions options = recipe.training();
        if (options.parallelGroups() > 1 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            // One libtorch thread per group; read when the engine starts, so it must come first.
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        NetworkSpec spec = recipe.networkSpec();
        ZooDescription description = describe(recipe);
        try (ZooWriter writer = ZooWriter.open(out, description, recipe.networks(), provenance, writerOptions)) {
            int[] remaining = writer.remainingNetworks();
            List<ZooMember> members = Arrays.stream(remaining)
                    .mapToObj(id -> new ZooMember(id, recipe.space().sample(id, recipe.seed())))
                    .toList();
            TrainingProgress progress = listener.starting(new Start(recipe, spec, recipe.networks() - remaining.length,
                    remaining.length, writer.recovery()));
            if (!members.isEmpty()) {
                try (BatchedZooTrainer trainer = new BatchedZooTrainer(spec, data, options)) {
                    trainer.train(members, writer::write, progress);
                } finally {
                    listener.trainingEnded();
                }
            }
            writer.close();
            return new Result(writer.manifest().completedNetworks().cardinality(), writer.manifest().rows(),
                    writer.manifest().shards().size(), writer.incompleteNetworks());
        }
    }

    /**
     * What the recipe's zoo is, as its manifest records it: two generations (here or a distributed
     * one, such as the {@code spark} module's) write to one folder only when these agree.
     */
    public static ZooDescription describe(ZooRecipe recipe) {
        TrainingOptions options = recipe.training();
        return new ZooDescription(recipe.networkSpec(), recipe.dataset().toLowerCase(Locale.ROOT), recipe.seed(),
                recipe.name(), recipe.space().toJson(), options.epochs(), options.checkpointEpochs(),
                identityOptions(options));
    }

    /** The training options that change weights or metrics, and so identify the zoo (not group sizes). */
    private static String identityOptions(TrainingOptions o) {
        JsonObject j = new JsonObject();
        j.addProperty("train_pool_size", o.trainPoolSize());
        j.addProperty("eval_train_limit", o.evalTrainLimit());
        j.addProperty("eval_test_limit", o.evalTestLimit());
        j.addProperty("evaluation", o.describeEvaluation());
        return j.toString();
    }
}
