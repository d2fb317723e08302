package dev.orbit.training.cli;

import com.google.gson.JsonObject;
import dev.orbit.datasets.images.ImageDatasets;
import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.training.OrbitVersion;
import dev.orbit.zoo.format.Provenance;
import dev.orbit.zoo.format.ZooDescription;
import dev.orbit.zoo.format.ZooWriter;
import dev.orbit.zoo.space.HyperparameterSpace;
import dev.orbit.zoo.space.ZooRecipe;
import dev.orbit.zoo.train.BatchedZooTrainer;
import dev.orbit.zoo.train.TrainingOptions;
import dev.orbit.zoo.train.ZooMember;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orbit zoo generate}: trains a zoo with the batched trainer and writes it with a
 * {@link ZooWriter}. Rerunning the same command after an interruption (even {@code kill -9})
 * continues where the last commit ended; a folder holding another zoo is refused.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Train a zoo of networks and write it in Orbit's zoo format (resumable: rerun the same command).")
final class ZooGenerateCommand extends ZooSubcommand {

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "fashion-mnist, mnist or digits (required unless --recipe gives it).")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the dataset's files are (default: searched).")
    Path dataDir;

    @Option(names = "--arch", paramLabel = "ARCH",
            description = "cnn-zoo (Small CNN Zoo CNN) or mlp:W1,...,K, e.g. mlp:64,32,10 (required unless --recipe).")
    String arch;

    @Option(names = "--networks", paramLabel = "N", description = "Networks in the zoo (required unless --recipe).")
    Integer networks;

    @Option(names = "--epochs", paramLabel = "E", description = "Epochs each network trains (required unless --recipe).")
    Integer epochs;

    @Option(names = "--checkpoints", paramLabel = "LIST", split = ",",
            description = "Epochs at which to save a checkpoint (default: the recipe's, else 0,1,E).")
    List<Integer> checkpoints;

    @Option(names = "--seed", paramLabel = "S", description = "Zoo seed (default: the recipe's, else 0).")
    Long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The zoo folder.")
    Path out;

    @Option(names = "--recipe", paramLabel = "NAME",
            description = "A recipe preset (${COMPLETION-CANDIDATES}); other options override its values.",
            completionCandidates = RecipeNames.class)
    String recipe;

    @Option(names = "--batch-size", paramLabel = "B", description = "Mini-batch size (default: the recipe's, else 32).")
    Integer batchSize;

    @Option(names = "--train-pool", paramLabel = "N",
            description = "Train on the first N training images, 0 = all (default: the recipe's, else 0).")
    Integer trainPool;

    @Option(names = "--eval-train", paramLabel = "N",
            description = "Train metrics on N images of each member's subset, 0 = all (default: the recipe's, else 0).")
    Integer evalTrain;

    @Option(names = "--eval-test", paramLabel = "N",
            description = "Test metrics on the first N test images, 0 = all (default: the recipe's, else 0).")
    Integer evalTest;

    @Option(names = "--group-size", paramLabel = "M", description = "Networks trained at once (default: the recipe's, else 64).")
    Integer groupSize;

    @Option(names = "--parallel-groups", paramLabel = "G",
            description = "Groups trained at once on separate threads (default: the recipe's, else 1).")
    Integer parallelGroups;

    @Option(names = "--shard-rows", paramLabel = "R", description = "Checkpoints per shard, 0 = about 64 MiB (default: ${DEFAULT-VALUE}).")
    int shardRows = 0;

    @Option(names = "--commit-minutes", paramLabel = "MIN",
            description = "Commit finished networks at least this often (default: ${DEFAULT-VALUE}).")
    double commitMinutes = 5;

    /** The recipe presets, for the help text. */
    static final class RecipeNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ZooRecipe.presetNames().iterator();
        }
    }

    @Override
    int execute() throws Exception {
        ZooRecipe preset = recipe == null ? null : ZooRecipe.preset(recipe);
        String datasetName = pick(dataset, preset == null ? null : preset.dataset(), "--dataset");
        int size = pick(networks, preset == null ? null : preset.networks(), "--networks");
        TrainingOptions base = preset == null ? null : preset.training();
        int epochCount = pick(epochs, base == null ? null : base.epochs(), "--epochs");
        if (size < 1 || epochCount < 1) {
            throw userError("--networks and --epochs must be at least 1");
        }
        if (!(commitMinutes > 0) || Double.isInfinite(commitMinutes)) {
            throw userError("--commit-minutes must be a positive number of minutes, got " + commitMinutes);
        }
        if (dataDir != null && ImageDatasets.DIGITS.equals(datasetName.toLowerCase(Locale.ROOT))) {
            // Refused, not ignored: a user naming a folder expects its files to be used.
            throw userError("--data-dir does not apply to digits, which is bundled with Orbit; leave it out");
        }
        long zooSeed = seed != null ? seed : preset != null ? preset.seed() : 0L;
        List<Integer> epochsToSave = checkpoints != null ? checkpoints
                : base != null && epochs == null ? base.checkpointEpochs()
                : new ArrayList<>(new TreeSet<>(List.of(0, 1, epochCount)));
        HyperparameterSpace space = preset != null ? preset.space() : HyperparameterSpace.smallCnnZoo(32);
        if (batchSize != null) {
            space = new HyperparameterSpace(space.activations(), space.weightInits(), space.initStd(), space.biasInit(),
                    space.dropout(), space.l2(), space.learningRate(), space.optimizers(), space.trainFraction(),
                    List.of(batchSize));
        }
        TrainingOptions options = new TrainingOptions(epochCount, epochsToSave,
                or(trainPool, base == null ? 0 : base.trainPoolSize()),
                or(evalTrain, base == null ? 0 : base.evalTrainLimit()),
                or(evalTest, base == null ? 0 : base.evalTestLimit()),
                or(groupSize, base == null ? 64 : base.maxGroupSize()),
                base == null ? 32 : base.evalBatchSize(),
                or(parallelGroups, base == null ? 1 : base.parallelGroups()));
        if (options.parallelGroups() > 1 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1"); // one libtorch thread per group
        }

        ImageSplit data = ImageDatasets.load(datasetName, dataDir);
        NetworkSpec spec = arch != null ? ZooArchitecture.parse(arch, 1, data.train().height(), data.train().width())
                : preset != null ? preset.networkSpec()
                : null;
        if (spec == null) {
            throw userError("--arch is required unless --recipe gives it");
        }
        ZooDescription description = new ZooDescription(spec, datasetName.toLowerCase(Locale.ROOT), zooSeed,
                preset == null ? null : preset.name(), space.toJson(), epochCount, options.checkpointEpochs(),
                identityOptions(options));
        Provenance provenance = OrbitVersion.buildProvenance();
        ZooWriter.Options writerOptions = ZooWriter.Options.defaults().withShardRows(shardRows)
                .withMaxCommitInterval(Duration.ofMillis((long) (commitMinutes * 60_000)));

        try (ZooWriter writer = ZooWriter.open(out, description, size, provenance, writerOptions)) {
            int[] remaining = writer.remainingNetworks();
            int done = size - remaining.length;
            ZooWriter.Recovery r = writer.recovery();
            if (r.resumed()) {
                err().println("Resuming " + out + ": " + done + " of " + size + " networks already complete"
                        + (r.removedTempFiles() + r.removedUncommittedShards() > 0 || r.truncatedMetricsBytes() > 0
                                ? " (cleaned up an interrupted write)" : "") + ".");
            }
            err().println("Training " + remaining.length + " " + spec.describe() + " networks on " + datasetName
                    + " for " + epochCount + " epochs, checkpoints at " + options.checkpointEpochs() + ".");
            err().flush();
            List<ZooMember> members = new ArrayList<>(remaining.length);
            for (int id : remaining) {
                members.add(new ZooMember(id, space.sample(id, zooSeed)));
            }
            ZooProgressBar bar = new ZooProgressBar(err(), System.console() != null, done, size);
            if (!members.isEmpty()) {
                try (BatchedZooTrainer trainer = new BatchedZooTrainer(spec, data, options)) {
                    trainer.train(members, writer::write, bar);
                } finally {
                    bar.finish();
                }
            }
            writer.close();
            if (writer.incompleteNetworks().length > 0) {
                err().println("Warning: " + writer.incompleteNetworks().length
                        + " networks did not emit every checkpoint; rerun to train them again.");
            }
            out().println("Zoo " + out + ": " + writer.manifest().completedNetworks().cardinality() + " networks, "
                    + writer.manifest().rows() + " checkpoints in " + writer.manifest().shards().size() + " shards.");
        }
        return 0;
    }

    private static <T> T pick(T given, T fromRecipe, String option) {
        if (given != null) {
            return given;
        }
        if (fromRecipe != null) {
            return fromRecipe;
        }
        throw userError(option + " is required unless --recipe gives it");
    }

    private static int or(Integer given, int fallback) {
        return given != null ? given : fallback;
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
