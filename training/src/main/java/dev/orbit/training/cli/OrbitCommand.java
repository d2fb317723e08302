package dev.orbit.training.cli;

import dev.orbit.training.OrbitVersion;
import dev.orbit.zoo.train.NativeMemory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code orbit} command line: the entry point of {@code orbit.jar}. */
@Command(
        name = "orbit",
        mixinStandardHelpOptions = true,
        versionProvider = OrbitVersion.class,
        description = "Weight-space learning on the JVM: model zoos and metanets.",
        subcommands = {CommandLine.HelpCommand.class, BenchCommand.class, ZooCommand.class, TrainCommand.class, PredictCommand.class, QuickstartCommand.class,
                AlignCommand.class, MergeCommand.class, BarrierCommand.class, TeleportCommand.class,
                GenerateCommand.class})
public final class OrbitCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        configureJvm();
        System.exit(commandLine().execute(args));
    }

    /** What every Orbit entry point sets before the engine starts. */
    public static void configureJvm() {
        // Offline by design: the native library ships inside the jar.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.default_engine", "PyTorch");
        System.setProperty("java.awt.headless", "true"); // charts render off-screen
        NativeMemory.retainFreedMemory(); // libtorch's freed tensors are reused, not faulted in again each step
    }

    /** The command line with Orbit's one error policy ({@link CliErrors}). */
    public static CommandLine commandLine() {
        return commandLine(new OrbitCommand());
    }

    /**
     * A command line for another entry point (the {@code spark} module's {@code orbit-spark}) with the
     * same error policy, so its faults are reported exactly as {@code orbit}'s.
     */
    public static CommandLine commandLine(Object command) {
        CommandLine cli = new CommandLine(command);
        cli.setParameterExceptionHandler(CliErrors::handleParseError);
        cli.setExecutionExceptionHandler(CliErrors::handle);
        return cli;
    }
}
