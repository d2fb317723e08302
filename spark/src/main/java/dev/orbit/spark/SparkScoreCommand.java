package dev.orbit.spark;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code orbit-spark score}: every checkpoint of one or many zoos scored by a trained run ({@link ScoreJob}). */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Predict the run's target for every checkpoint of zoos, as a Spark job; writes one CSV.")
final class SparkScoreCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin SparkOptions spark;

    @Option(names = "--run", required = true, paramLabel = "RUN", description = "A run folder of orbit train predict-accuracy.")
    Path run;

    @Option(names = "--zoo", required = true, arity = "1..*", paramLabel = "DIR",
            description = "Zoo folders (any format orbit predict reads).")
    List<Path> zoos;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The predictions CSV.")
    Path out;

    @Option(names = "--batches-per-task", paramLabel = "N",
            description = "Prediction batches of 64 networks per Spark task (default: ${DEFAULT-VALUE}).")
    int batchesPerTask = 16;

    @Override
    public Integer call() throws Exception {
        try (JavaSparkContext context = spark.start("orbit score")) {
            ScoreJob.Result r = ScoreJob.run(context, run, zoos, out, batchesPerTask);
            spec.commandLine().getOut().printf(Locale.ROOT, "Scored %d checkpoints in %d tasks (%.1f s, %.0f per second)"
                    + " into %s.%n", r.checkpoints(), r.tasks(), r.seconds(), r.checkpoints() / r.seconds(), out);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
