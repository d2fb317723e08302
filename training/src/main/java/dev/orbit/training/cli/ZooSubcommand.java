package dev.orbit.training.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * An {@code orbit zoo} command: it throws what goes wrong and {@link CliErrors} reports it (one line,
 * exit code 2 for a fault the user can fix).
 */
@CommandLine.Command
abstract class ZooSubcommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Runs the command; returns its exit code. */
    abstract int execute() throws Exception;

    @Override
    public final Integer call() throws Exception {
        return execute();
    }

    /** Folds a multi-line message into one line. */
    static String oneLine(String s) {
        return CliErrors.oneLine(s);
    }

    /** Thrown for a user error found after parsing; reported as one line, exit code 2. */
    static IllegalArgumentException userError(String message) {
        return new IllegalArgumentException(message);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
