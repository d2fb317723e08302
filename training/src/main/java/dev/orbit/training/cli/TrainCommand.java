package dev.orbit.training.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code orbit train}: fit metanets on model zoos. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train metanets on model zoos.",
        subcommands = {TrainPredictAccuracyCommand.class, TrainGenerateCommand.class})
public final class TrainCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
