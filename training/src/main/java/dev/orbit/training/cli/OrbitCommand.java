package dev.orbit.training.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code orbit} command line: the entry point of {@code orbit.jar}. */
@Command(
        name = "orbit",
        mixinStandardHelpOptions = true,
        versionProvider = OrbitVersion.class,
        description = "Weight-space learning on the JVM: model zoos and metanets.",
        subcommands = {CommandLine.HelpCommand.class})
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
        int code = new CommandLine(new OrbitCommand()).execute(args);
        System.exit(code);
    }
}
