package dev.orbit.training.cli;

import dev.orbit.training.OrbitVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code orbit} command line: the entry point of {@code orbit.jar}. */
@Command(
        name = "orbit",
        mixinStandardHelpOptions = true,
        versionProvider = OrbitVersion.class,
        description = "Weight-space learning on the JVM: model zoos and metanets.",
        subcommands = {CommandLine.HelpCommand.class, BenchCommand.class, ZooCommand.class, TrainCommand.class, PredictCommand.class, QuickstartCommand.class})
public final class OrbitCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        // Offline by design: the native library ships inside the jar.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.default_engine", "PyTorch");
        System.setProperty("java.awt.headless", "true"); // charts render off-screen
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with Orbit's error policy: a fault the user can fix (bad argument, missing or
     * corrupt file) prints one line and exits with {@link #USER_ERROR}; anything else keeps its trace.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new OrbitCommand());
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine bad = e.getCommandLine();
            bad.getErr().println("orbit: " + e.getMessage() + " (see '" + bad.getCommandSpec().qualifiedName() + " --help')");
            return USER_ERROR;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof java.io.IOException
                    || e instanceof java.io.UncheckedIOException || e instanceof IllegalStateException) {
                commandLine.getErr().println("orbit: " + e.getMessage());
                return USER_ERROR;
            }
            throw e;
        });
        return cli;
    }

    /** Exit code for errors the user can fix. */
    public static final int USER_ERROR = 2;
}
