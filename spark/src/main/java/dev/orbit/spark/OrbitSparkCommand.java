package dev.orbit.spark;

import dev.orbit.training.OrbitVersion;
import dev.orbit.training.cli.OrbitCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code orbit-spark} command line, the entry point of {@code orbit-spark.jar}: Orbit's jobs that
 * run on Apache Spark, in local mode inside this JVM or on a cluster (through spark-submit). Errors
 * are reported by {@code orbit}'s one policy ({@link OrbitCommand#commandLine(Object)}).
 */
@Command(
        name = "orbit-spark",
        mixinStandardHelpOptions = true,
        versionProvider = OrbitVersion.class,
        description = "Orbit's zoo generation and batch scoring on Apache Spark.",
        subcommands = {CommandLine.HelpCommand.class, OrbitSparkCommand.Zoo.class, SparkScoreCommand.class})
public final class OrbitSparkCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1"); // one libtorch thread per Spark task slot
        }
        OrbitCommand.configureJvm();
        System.exit(commandLine().execute(args));
    }

    /** The command line with Orbit's error policy. */
    static CommandLine commandLine() {
        return OrbitCommand.commandLine(new OrbitSparkCommand());
    }

    /** {@code orbit-spark zoo}: zoo jobs. */
    @Command(name = "zoo", mixinStandardHelpOptions = true, description = "Generate model zoos on Spark.",
            subcommands = {SparkZooGenerateCommand.class})
    static final class Zoo implements Runnable {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getErr());
        }
    }
}
