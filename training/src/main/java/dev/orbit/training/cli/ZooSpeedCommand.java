package dev.orbit.training.cli;

import ai.djl.engine.Engine;
import dev.orbit.datasets.images.ImageDatasets;
import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.zoo.CheckpointRecord;
import dev.orbit.zoo.space.ZooRecipe;
import dev.orbit.zoo.train.BatchedZooTrainer;
import dev.orbit.zoo.train.DjlTrainerBaseline;
import dev.orbit.zoo.train.SingleNetworkTrainer;
import dev.orbit.zoo.train.TrainingOptions;
import dev.orbit.zoo.train.TrainingProgress;
import dev.orbit.zoo.train.ZooMember;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orbit zoo speed}: how many networks a minute the batched zoo trainer produces against the
 * one-at-a-time DJL loop ({@code SingleNetworkTrainer}) and, optionally, against a loop built on
 * DJL's Trainer ({@code DjlTrainerBaseline}), on the first members of a recipe (same
 * hyperparameters, data and budget for both), measured in the same process one after the other. Also
 * prints the time the whole recipe would take at that rate and the spread of final test accuracies.
 * Wall-clock rates depend on what else the machine runs; the CPU seconds per network do less.
 */
@Command(name = "speed", mixinStandardHelpOptions = true,
        description = "Measure networks/minute of batched zoo training against one network at a time.")
final class ZooSpeedCommand extends ZooSubcommand {

    @Option(names = "--recipe", paramLabel = "NAME",
            description = "Recipe whose first members are trained: fmnist-2k or digits-quick (default: ${DEFAULT-VALUE}).")
    String recipe = ZooRecipe.FMNIST_2K;

    @Option(names = "--networks", paramLabel = "N", description = "Networks for the batched trainer (default: ${DEFAULT-VALUE}).")
    int networks = 128;

    @Option(names = "--single", paramLabel = "N",
            description = "Networks trained one at a time, the first N of the same members; 0 skips (default: ${DEFAULT-VALUE}).")
    int single = 8;

    @Option(names = "--djl-trainer", paramLabel = "N",
            description = "Networks trained one at a time with DJL's Trainer and optimizers, the first N of the same "
                    + "members; 0 skips (default: ${DEFAULT-VALUE}).")
    int djlTrainer = 0;

    @Option(names = "--threads", paramLabel = "T",
            description = "libtorch intra-op threads (default: ${DEFAULT-VALUE}; more threads lose to parallel groups on a small or shared machine).")
    int threads = 1;

    @Option(names = "--parallel-groups", paramLabel = "P", description = "Groups trained at once (default: the recipe's).")
    Integer parallelGroups;

    @Option(names = "--group-size", paramLabel = "M", description = "Most networks per group (default: the recipe's).")
    Integer groupSize;

    @Option(names = "--batch-size", paramLabel = "B", description = "Override the recipe's batch size.")
    Integer batchSize;

    @Option(names = "--train-pool", paramLabel = "N", description = "Override the recipe's training pool (0 = all).")
    Integer trainPool;

    @Option(names = "--epochs", paramLabel = "E", description = "Override the recipe's epochs (checkpoints 0, 1 and E).")
    Integer epochs;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the dataset's files are (default: searched).")
    Path dataDir;

    @Override
    int execute() throws Exception {
        if (networks < 1 || single < 0 || djlTrainer < 0 || threads < 1) {
            throw userError("--networks and --threads must be at least 1, --single and --djl-trainer at least 0");
        }
        // libtorch reads its thread count when the engine starts, so set it first.
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        ZooRecipe zoo = ZooRecipe.preset(recipe).with(new ZooRecipe.Overrides(null, null, null, null, epochs, null,
                batchSize, trainPool, null, null, groupSize, parallelGroups));
        TrainingOptions options = zoo.training();
        ImageSplit data = ImageDatasets.load(zoo.dataset(), dataDir);
        List<ZooMember> members = zoo.withNetworks(Math.max(networks, Math.max(single, djlTrainer))).members();
        int steps = options.epochs() * TrainingOptions.stepsPerEpoch(
                options.trainPoolSize() == 0 ? data.train().size() : options.trainPoolSize(), members.get(0).hyperparameters().batchSize());
        err().printf(Locale.ROOT, "%s: %s on %s, %d steps of %d; %s, %d thread(s), groups of at most %d, %d at a time.%n",
                zoo.name(), zoo.networkSpec().describe(), zoo.dataset(), steps, members.get(0).hyperparameters().batchSize(),
                Engine.getInstance().getEngineName(), threads, options.maxGroupSize(), options.parallelGroups());
        err().flush();
        warmUp(zoo, data, options, members, djlTrainer > 0);

        Rate batched;
        List<CheckpointRecord> finals = new ArrayList<>();
        int lastEpoch = options.epochs();
        try (BatchedZooTrainer trainer = new BatchedZooTrainer(zoo.networkSpec(), data, options)) {
            Clock clock = new Clock();
            trainer.train(members.subList(0, networks), r -> {
                if (r.epoch() == lastEpoch) {
                    finals.add(r);
                }
            }, TrainingProgress.NONE);
            batched = clock.rate(networks);
        }
        out().printf(Locale.ROOT, "batched:       %4d networks in %7.1f s = %7.1f networks/min (%.3f CPU s/network)%n",
                networks, batched.seconds, batched.perMinute, batched.cpuPerNetwork);
        if (single > 0) {
            Rate alone;
            try (SingleNetworkTrainer trainer = new SingleNetworkTrainer(zoo.networkSpec(), data, options)) {
                Clock clock = new Clock();
                trainer.train(members.subList(0, single), r -> {}, TrainingProgress.NONE);
                alone = clock.rate(single);
            }
            out().printf(Locale.ROOT, "one at a time: %4d networks in %7.1f s = %7.1f networks/min (%.3f CPU s/network)%n",
                    single, alone.seconds, alone.perMinute, alone.cpuPerNetwork);
            out().printf(Locale.ROOT, "speed-up: %.1fx wall clock, %.1fx CPU time%n",
                    batched.perMinute / alone.perMinute, alone.cpuPerNetwork / batched.cpuPerNetwork);
        }
        if (djlTrainer > 0) {
            Rate djl;
            try (DjlTrainerBaseline trainer = new DjlTrainerBaseline(zoo.networkSpec(), data, options)) {
                Clock clock = new Clock();
                trainer.train(members.subList(0, djlTrainer));
                djl = clock.rate(djlTrainer);
            }
            out().printf(Locale.ROOT, "DJL Trainer:   %4d networks in %7.1f s = %7.1f networks/min (%.3f CPU s/network)%n",
                    djlTrainer, djl.seconds, djl.perMinute, djl.cpuPerNetwork);
            out().printf(Locale.ROOT, "speed-up over the DJL Trainer loop: %.1fx wall clock, %.1fx CPU time%n",
                    batched.perMinute / djl.perMinute, djl.cpuPerNetwork / batched.cpuPerNetwork);
        }
        out().printf(Locale.ROOT, "%s at this rate: %d networks in about %.0f min%n",
                zoo.name(), zoo.networks(), zoo.networks() / batched.perMinute);
        double[] accuracy = finals.stream().mapToDouble(r -> r.metrics().testAccuracy()).sorted().toArray();
        long diverged = finals.stream().filter(r -> r.metrics().diverged()).count();
        out().printf(Locale.ROOT, "final test accuracy over %d networks: min %.3f, quartiles %.3f / %.3f / %.3f, max %.3f; %d diverged%n",
                accuracy.length, accuracy[0], quantile(accuracy, 0.25), quantile(accuracy, 0.5),
                quantile(accuracy, 0.75), accuracy[accuracy.length - 1], diverged);
        return 0;
    }

    /** Starts the engine and the JIT on a few steps so no trainer pays for them. */
    private static void warmUp(ZooRecipe zoo, ImageSplit data, TrainingOptions options, List<ZooMember> members,
            boolean djlTrainer) throws Exception {
        int batch = members.get(0).hyperparameters().batchSize();
        TrainingOptions tiny = new TrainingOptions(1, List.of(1), 4 * batch, 32, 32, options.maxGroupSize(),
                options.evalBatchSize(), 1);
        List<ZooMember> few = members.subList(0, Math.min(4, members.size()));
        try (BatchedZooTrainer trainer = new BatchedZooTrainer(zoo.networkSpec(), data, tiny)) {
            trainer.train(few, r -> {}, TrainingProgress.NONE);
        }
        try (SingleNetworkTrainer trainer = new SingleNetworkTrainer(zoo.networkSpec(), data, tiny)) {
            trainer.train(few.get(0), r -> {});
        }
        if (djlTrainer) {
            try (DjlTrainerBaseline trainer = new DjlTrainerBaseline(zoo.networkSpec(), data, tiny)) {
                trainer.train(few.get(0));
            }
        }
    }

    private static double quantile(double[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    /** Wall and process CPU time since construction. */
    private static final class Clock {
        private final long wall = System.nanoTime();
        private final long cpu = processCpuNanos();

        Rate rate(int count) {
            double seconds = (System.nanoTime() - wall) / 1e9;
            double cpuSeconds = (processCpuNanos() - cpu) / 1e9;
            return new Rate(seconds, count / seconds * 60, cpuSeconds / count);
        }

        private static long processCpuNanos() {
            java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            return os instanceof com.sun.management.OperatingSystemMXBean
                    ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : 0L;
        }
    }

    private record Rate(double seconds, double perMinute, double cpuPerNetwork) {}
}
