package dev.orbit.training.cli;

import dev.orbit.datasets.io.MalformedFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code orbit train}: fit metanets on model zoos. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train metanets on model zoos.",
        subcommands = {TrainPredictAccuracyCommand.class})
public final class TrainCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /**
     * The error contract of {@code orbit train}, {@code orbit predict} and {@code orbit quickstart}:
     * a fault the user can fix (bad option, missing or corrupt file, wrong architecture, a run folder
     * of another experiment) is one line on stderr and exit code 2; a failing file system is one
     * line and exit code 1; anything else keeps its stack trace.
     */
    static int fail(CommandLine.Model.CommandSpec spec, Exception e) throws Exception {
        Exception cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (!(cause instanceof IOException || cause instanceof IllegalArgumentException
                || cause instanceof IllegalStateException)) {
            throw e;
        }
        boolean user = !(cause instanceof IOException) || cause instanceof MalformedFileException
                || cause instanceof NoSuchFileException || cause instanceof AccessDeniedException
                || cause.getClass().getName().endsWith("ZooFormatException");
        String message;
        if (cause instanceof NoSuchFileException nsf && nsf.getReason() == null) {
            message = cause.getMessage() + " does not exist.";
        } else if (cause instanceof FileSystemException fs && fs.getReason() != null) {
            message = fs.getFile() + ": " + fs.getReason() + ".";
        } else {
            message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        }
        spec.commandLine().getErr().println(spec.qualifiedName(" ") + ": " + message.strip().replaceAll("\\s*\\R\\s*", " "));
        spec.commandLine().getErr().flush();
        return user ? OrbitCommand.USER_ERROR : 1;
    }
}
