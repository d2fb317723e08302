package dev.orbit.spark;

import dev.orbit.zoo.ZooGenerator;
import dev.orbit.zoo.format.Provenance;
import dev.orbit.zoo.format.StagedShard;
import dev.orbit.zoo.format.ZooDescription;
import dev.orbit.zoo.format.ZooWriter;
import dev.orbit.zoo.space.ZooRecipe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Generates a recipe's zoo as a Spark job. The driver opens the zoo folder with the one
 * {@link ZooWriter} (creating it, or resuming it: the writer's lock, identity check and crash
 * recovery are those of {@code orbit zoo generate}), plans the outstanding {@link WorkUnit}s
 * ({@link ZooPlan}), and sends those not already staged to the executors, one task each
 * ({@link UnitTask}). While the job runs it commits staged shards in index order as they appear
 * ({@link ZooWriter#commit(StagedShard)}: SHA-256 checked, then manifest and metrics appended), so the
 * zoo grows as in a local generation and a kill at any point leaves a zoo that a rerun completes:
 * committed units and staged units whose checksums match are not trained again.
 *
 * <p>The output folder must be one path that the driver and every executor see: a local folder in
 * local mode, a shared mount (NFS, a cluster file system's POSIX mount) on a cluster. The zoo format's
 * crash safety rests on POSIX renames and fsync, which object stores and HDFS's Java API do not give
 * in the same form.
 */
final class ZooJob {

    /**
     * What a run did.
     *
     * @param units units in the plan still outstanding when the run started
     * @param alreadyStaged of those, units a previous run had staged (committed without training)
     * @param trained units trained by this run's tasks (successful attempts)
     * @param networksTrained networks trained by this run
     * @param networks networks the zoo holds now
     * @param shards shards the zoo holds now
     * @param wallSeconds the run's time from plan to last commit
     * @param taskSeconds sum over successful tasks of their training and staging time
     * @param reports what each successful task reported
     */
    record Result(int units, int alreadyStaged, int trained, int networksTrained, int networks, int shards,
            double wallSeconds, double taskSeconds, List<UnitTask.Report> reports) {}

    private ZooJob() {}

    /**
     * Generates (or completes) the recipe's zoo in {@code out}.
     *
     * @param dataDir where executors find the dataset (null: searched, or bundled)
     * @param log receives one line per event (plan, each commit)
     * @param failure a deliberate task failure, for tests ({@link UnitTask.InjectedFailure#none()} otherwise)
     * @throws IOException when the job fails; what was committed or staged stays for a rerun
     */
    static Result run(JavaSparkContext spark, ZooRecipe recipe, Path dataDir, Path out, Provenance provenance,
            PrintWriter log, UnitTask.InjectedFailure failure) throws IOException {
        long start = System.nanoTime();
        ZooDescription description = ZooGenerator.describe(recipe);
        Path zoo = out.toAbsolutePath();
        try (ZooWriter writer = ZooWriter.open(zoo, description, recipe.networks(), provenance, ZooWriter.Options.defaults())) {
            StagedShard.clean(zoo, writer.manifest().shards().size());
            List<WorkUnit> units = ZooPlan.outstanding(recipe, writer.completedNetworks(), writer.manifest().shards().size());
            List<WorkUnit> toTrain = new ArrayList<>();
            for (WorkUnit unit : units) {
                if (staged(zoo, unit).isEmpty()) {
                    toTrain.add(unit);
                }
            }
            log.printf(Locale.ROOT, "Zoo %s: %d of %d networks committed; %d units outstanding, %d of them staged "
                    + "by an earlier run; training %d units on %s.%n", zoo, writer.completedNetworks().cardinality(),
                    recipe.networks(), units.size(), units.size() - toTrain.size(), toTrain.size(), spark.master());
            log.flush();
            Committer committer = new Committer(writer, zoo, units, log);
            List<UnitTask.Report> reports = List.of();
            try {
                if (!toTrain.isEmpty()) {
                    UnitTask task = new UnitTask(recipe, dataDir, zoo, writer.manifest().formatVersion(), failure);
                    JavaFutureAction<List<UnitTask.Report>> job =
                            spark.parallelize(toTrain, toTrain.size()).map(task).collectAsync();
                    while (!job.isDone()) {
                        committer.commitStaged();
                        sleep(200);
                    }
                    reports = job.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while waiting for the Spark job", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new IOException("The Spark job failed (" + firstLine(cause.getMessage()) + "); units finished so"
                        + " far are kept: rerun the same command to train only the rest.", cause);
            } finally {
                committer.commitStaged();
                StagedShard.clean(zoo, writer.manifest().shards().size());
            }
            if (committer.committed < units.size()) {
                throw new IOException("The Spark job ended but " + (units.size() - committer.committed) + " of "
                        + units.size() + " units are not staged in " + zoo + "; rerun the same command.");
            }
            writer.close();
            StagedShard.removeIfEmpty(zoo);
            double taskSeconds = reports.stream().mapToDouble(UnitTask.Report::trainSeconds).sum();
            return new Result(units.size(), units.size() - toTrain.size(), reports.size(),
                    reports.stream().mapToInt(UnitTask.Report::networks).sum(),
                    writer.manifest().completedNetworks().cardinality(), writer.manifest().shards().size(),
                    (System.nanoTime() - start) / 1e9, taskSeconds, reports);
        }
    }

    /** The unit's staged shard, if a task finished it: checksum matches and it holds exactly the unit's networks. */
    private static Optional<StagedShard> staged(Path zoo, WorkUnit unit) throws IOException {
        return StagedShard.find(zoo, unit.shardIndex()).filter(s -> Arrays.equals(s.networkIds(), unit.networkIds()));
    }

    /** Commits staged units in plan order, as far as they are staged. */
    private static final class Committer {
        private final ZooWriter writer;
        private final Path zoo;
        private final List<WorkUnit> units;
        private final PrintWriter log;
        private int committed;

        Committer(ZooWriter writer, Path zoo, List<WorkUnit> units, PrintWriter log) {
            this.writer = writer;
            this.zoo = zoo;
            this.units = units;
            this.log = log;
        }

        void commitStaged() throws IOException {
            while (committed < units.size()) {
                WorkUnit unit = units.get(committed);
                Optional<StagedShard> staged = staged(zoo, unit);
                if (staged.isEmpty()) {
                    return;
                }
                writer.commit(staged.get());
                committed++;
                log.printf(Locale.ROOT, "Committed shard %d (%d networks): %d of %d networks.%n", unit.shardIndex(),
                        unit.networkIds().length, writer.manifest().completedNetworks().cardinality(),
                        writer.manifest().networks());
                log.flush();
            }
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        String line = message.strip().split("\\R", 2)[0];
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for the Spark job", e);
        }
    }
}
