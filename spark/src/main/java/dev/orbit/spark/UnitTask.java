package dev.orbit.spark;

import dev.orbit.zoo.CheckpointRecord;
import dev.orbit.zoo.ZooGenerator;
import dev.orbit.zoo.format.StagedShard;
import dev.orbit.zoo.space.ZooRecipe;
import dev.orbit.zoo.train.ZooMember;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;

/**
 * What a Spark task does with a {@link WorkUnit}, on an executor: trains the unit's networks as one
 * group with the executor's {@code BatchedZooTrainer} ({@link ExecutorCache}) and stages their shard in
 * the zoo folder ({@link StagedShard#write}: atomic, with SHA-256). A retried task trains the same
 * networks from the same seeds and writes the same bytes.
 */
final class UnitTask implements Function<WorkUnit, UnitTask.Report> {

    private static final long serialVersionUID = 1L;

    /**
     * What a task tells the driver; the shard itself travels through the file system.
     *
     * @param shardIndex the unit's shard
     * @param networks networks trained
     * @param trainSeconds time from the task's start to its staged receipt
     * @param attempt Spark's attempt number (0 for the first)
     */
    record Report(int shardIndex, int networks, double trainSeconds, int attempt) implements Serializable {}

    /**
     * A deliberate failure, for tests of Spark's retries: the unit's first {@code attempts} attempts stop
     * after training, leaving a temporary file in the staging folder as a killed writer would.
     */
    record InjectedFailure(int shardIndex, int attempts) implements Serializable {

        static InjectedFailure none() {
            return new InjectedFailure(-1, 0);
        }
    }

    private final String recipeJson;
    private final String dataDir;
    private final String zooDir;
    private final int formatVersion;
    private final InjectedFailure failure;

    UnitTask(ZooRecipe recipe, Path dataDir, Path zooDir, int formatVersion, InjectedFailure failure) {
        this.recipeJson = recipe.toJson();
        this.dataDir = dataDir == null ? null : dataDir.toString();
        this.zooDir = zooDir.toAbsolutePath().toString();
        this.formatVersion = formatVersion;
        this.failure = failure;
    }

    @Override
    public Report call(WorkUnit unit) throws IOException {
        long start = System.nanoTime();
        ZooRecipe recipe = ZooRecipe.fromJson(recipeJson);
        List<ZooMember> members = new ArrayList<>();
        for (int id : unit.networkIds()) {
            members.add(new ZooMember(id, recipe.space().sample(id, recipe.seed())));
        }
        List<CheckpointRecord> records = Collections.synchronizedList(new ArrayList<>());
        ExecutorCache.trainer(recipe, dataDir == null ? null : Path.of(dataDir)).trainGroup(members, records::add);
        Path zoo = Path.of(zooDir);
        int attempt = TaskContext.get() == null ? 0 : TaskContext.get().attemptNumber();
        if (unit.shardIndex() == failure.shardIndex() && attempt < failure.attempts()) {
            Path staging = zoo.resolve(StagedShard.STAGING_DIR);
            Files.createDirectories(staging);
            Files.write(staging.resolve(".shard-" + unit.shardIndex() + ".injected-" + attempt + ".tmp"), new byte[] {1, 2, 3});
            throw new IllegalStateException("Injected failure of " + unit + ", attempt " + attempt);
        }
        StagedShard.write(zoo, ZooGenerator.describe(recipe), formatVersion, unit.shardIndex(), records);
        return new Report(unit.shardIndex(), members.size(), (System.nanoTime() - start) / 1e9, attempt);
    }
}
