package dev.orbit.training.cli;

import dev.orbit.datasets.images.DatasetNotFoundException;
import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.zoo.format.ZooFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * The error contract of the {@code orbit zoo} commands: a mistake the user can fix (a bad path or
 * option, a missing dataset, a corrupt or foreign zoo folder) is one line on stderr and exit code
 * {@value #USER_ERROR}, never a stack trace; a failing file system is one line and exit code 1.
 */
@CommandLine.Command
abstract class ZooSubcommand implements Callable<Integer> {

    /** Exit code of a user error, as picocli uses for usage errors. */
    static final int USER_ERROR = 2;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Runs the command; returns its exit code. */
    abstract int execute() throws Exception;

    @Override
    public final Integer call() throws Exception {
        try {
            return execute();
        } catch (UncheckedIOException e) {
            return report(e.getCause());
        } catch (IOException | IllegalArgumentException e) {
            return report(e);
        }
    }

    private int report(Exception e) {
        boolean user = e instanceof ZooFormatException || e instanceof MalformedFileException
                || e instanceof DatasetNotFoundException || e instanceof NoSuchFileException
                || e instanceof AccessDeniedException || e instanceof IllegalArgumentException;
        err().println("orbit " + spec.qualifiedName(" ").replaceFirst("^orbit ", "") + ": " + oneLine(message(e)));
        err().flush();
        return user ? USER_ERROR : 1;
    }

    private static String message(Exception e) {
        if (e instanceof NoSuchFileException) {
            return e.getMessage() + " does not exist.";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getFile() + ": " + fs.getReason() + ".";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** Folds a multi-line message into one line. */
    static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
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
