package dev.orbit.training.cli;

import com.google.gson.JsonObject;
import dev.orbit.datasets.images.ImageDatasets;
import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.space.HyperparameterSpace;
import dev.orbit.zoo.train.BatchedZooTrainer;
import dev.orbit.zoo.train.TrainingOptions;
import dev.orbit.zoo.train.ZooMember;
import dev.orbit.zoo.format.Provenance;
import dev.orbit.zoo.format.ZooDescription;
import dev.orbit.zoo.format.ZooWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
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

    @Option(names = "--dataset", required = true, paramLabel = "NAME",
            description = "fashion-mnist, mnist or digits.")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the dataset's files are (default: searched).")
    Path dataDir;

    @Option(names = "--arch", required = true, paramLabel = "ARCH",
            description = "cnn-zoo (Small CNN Zoo CNN) or mlp:W1,...,K, e.g. mlp:64,32,10.")
    String arch;

    @Option(names = "--networks", required = true, paramLabel = "N", description = "Networks in the zoo.")
    int networks;

    @Option(names = "--epochs", required = true, paramLabel = "E", description = "Epochs each network trains.")
    int epochs;

    @Option(names = "--checkpoints", paramLabel = "LIST", split = ",",
            description = "Epochs at which to save a checkpoint (default: 0,1,E).")
    List<Integer> checkpoints;

    @Option(names = "--seed", paramLabel = "S", description = "Zoo seed (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The zoo folder.")
    Path out;

    @Option(names = "--recipe", paramLabel = "NAME", description = "A named recipe preset (default: the Small CNN Zoo space).")
    String recipe;

    @Option(names = "--batch-size", paramLabel = "B", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize = 32;

    @Option(names = "--train-pool", paramLabel = "N",
            description = "Train on the first N training images, 0 = all (default: ${DEFAULT-VALUE}).")
    int trainPool = 0;

    @Option(names = "--eval-train", paramLabel = "N",
            description = "Train metrics on N images of each member's subset, 0 = all (default: ${DEFAULT-VALUE}).")
    int evalTrain = 0;

    @Option(names = "--eval-test", paramLabel = "N",
            description = "Test metrics on the first N test images, 0 = all (default: ${DEFAULT-VALUE}).")
    int evalTest = 0;

    @Option(names = "--group-size", paramLabel = "M", description = "Networks trained at once (default: ${DEFAULT-VALUE}).")
    int groupSize = 64;

    @Option(names = "--shard-rows", paramLabel = "R", description = "Checkpoints per shard, 0 = about 64 MiB (default: ${DEFAULT-VALUE}).")
    int shardRows = 0;

    @Option(names = "--commit-minutes", paramLabel = "MIN",
            description = "Commit finished networks at least this often (default: ${DEFAULT-VALUE}).")
    double commitMinutes = 5;

    @Override
    int execute() throws Exception {
        if (networks < 1 || epochs < 1) {
            throw userError("--networks and --epochs must be at least 1");
        }
        if (recipe != null) {
            throw userError("Unknown recipe '" + recipe + "'; no recipe presets are available in this build");
        }
        List<Integer> epochsToSave = checkpoints != null ? checkpoints : new ArrayList<>(new TreeSet<>(List.of(0, 1, epochs)));
        HyperparameterSpace space = HyperparameterSpace.smallCnnZoo(batchSize);
        TrainingOptions options = new TrainingOptions(epochs, epochsToSave, trainPool, evalTrain, evalTest, groupSize, 256);

        ImageSplit data = ImageDatasets.load(dataset, dataDir);
        NetworkSpec spec = ZooArchitecture.parse(arch, 1, data.train().height(), data.train().width());
        ZooDescription description = new ZooDescription(spec, dataset.toLowerCase(Locale.ROOT), seed, recipe,
                space.toJson(), epochs, options.checkpointEpochs(), identityOptions(options));
        Properties v = OrbitVersion.properties();
        Provenance provenance = Provenance.of(v.getProperty("version"), v.getProperty("djl"), v.getProperty("libtorch"));
        ZooWriter.Options writerOptions = ZooWriter.Options.defaults().withShardRows(shardRows)
                .withMaxCommitInterval(Duration.ofMillis((long) (commitMinutes * 60_000)));

        try (ZooWriter writer = ZooWriter.open(out, description, networks, provenance, writerOptions)) {
            int[] remaining = writer.remainingNetworks();
            int done = networks - remaining.length;
            ZooWriter.Recovery r = writer.recovery();
            if (r.resumed()) {
                err().println("Resuming " + out + ": " + done + " of " + networks + " networks already complete"
                        + (r.removedTempFiles() + r.removedUncommittedShards() > 0 || r.truncatedMetricsBytes() > 0
                                ? " (cleaned up an interrupted write)" : "") + ".");
            }
            err().println("Training " + remaining.length + " " + spec.describe() + " networks on " + dataset
                    + " for " + epochs + " epochs, checkpoints at " + options.checkpointEpochs() + ".");
            err().flush();
            List<ZooMember> members = new ArrayList<>(remaining.length);
            for (int id : remaining) {
                members.add(new ZooMember(id, space.sample(id, seed)));
            }
            ZooProgressBar bar = new ZooProgressBar(err(), System.console() != null, done, networks);
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
