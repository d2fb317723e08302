package dev.orbit.training.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code orbit zoo}: generate, inspect, verify and export model zoos in Orbit's zoo format
 * ({@code zoo/FORMAT.md}).
 */
@Command(
        name = "zoo",
        mixinStandardHelpOptions = true,
        description = "Generate, inspect, verify and export model zoos.",
        subcommands = {ZooGenerateCommand.class, ZooInfoCommand.class, ZooVerifyCommand.class, ZooExportCommand.class, ZooSpeedCommand.class,
                ZooEvaluateCommand.class})
public final class ZooCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
