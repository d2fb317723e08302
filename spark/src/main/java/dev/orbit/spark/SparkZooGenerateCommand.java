package dev.orbit.spark;

import dev.orbit.training.OrbitVersion;
import dev.orbit.training.cli.ZooRecipeOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code orbit-spark zoo generate}: {@code orbit zoo generate}'s recipe options, run as a Spark job
 * ({@link ZooJob}). The zoo it writes holds the same networks with the same weights and metrics;
 * rerunning the same command after a failure or kill trains only the units not yet staged.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Train a zoo as a Spark job, one task per group of networks (resumable: rerun the same command).")
final class SparkZooGenerateCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin ZooRecipeOptions zoo;

    @Mixin SparkOptions spark;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "The zoo folder; on a cluster, a path every executor sees (a shared mount).")
    Path out;

    @Override
    public Integer call() throws Exception {
        ZooRecipeOptions.Resolved resolved = zoo.resolve(); // checks options and the dataset on the driver first
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outLine = spec.commandLine().getOut();
        try (JavaSparkContext context = spark.start("orbit zoo generate " + resolved.recipe().name())) {
            ZooJob.Result r = ZooJob.run(context, resolved.recipe(), resolved.dataDir(), out,
                    OrbitVersion.buildProvenance(), err, UnitTask.InjectedFailure.none());
            outLine.printf(Locale.ROOT, "Zoo %s: %d networks in %d shards; this run trained %d networks in %d units "
                    + "(%.1f s wall, %.1f task-seconds).%n", out, r.networks(), r.shards(), r.networksTrained(),
                    r.trained(), r.wallSeconds(), r.taskSeconds());
            outLine.flush();
        }
        return 0;
    }
}
