package dev.orbit.training.cli;

import dev.orbit.datasets.images.DatasetNotFoundException;
import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.zoo.format.ZooFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import picocli.CommandLine;

/**
 * Orbit's one error policy, for every command (installed by {@link OrbitCommand#commandLine()}):
 *
 * <ul>
 *   <li>a command line picocli cannot parse is one line naming the command and its help, exit code
 *       {@value #USER_ERROR};
 *   <li>a fault the user can fix (a bad option, a missing, unreadable, corrupt or foreign file or
 *       folder, a missing dataset, a network of another architecture) is one line on stderr,
 *       {@code orbit <sub command>: message}, and exit code {@value #USER_ERROR};
 *   <li>a failing file system (disk full, an I/O error) is one line and exit code {@value #SYSTEM_ERROR};
 *   <li>anything else is a defect of Orbit and keeps its stack trace.
 * </ul>
 *
 * Commands therefore just throw; none catches to print.
 */
final class CliErrors {

    /** Exit code of a fault the user can fix, as picocli uses for usage errors. */
    static final int USER_ERROR = 2;
    /** Exit code of a failing file system. */
    static final int SYSTEM_ERROR = 1;

    /**
     * The kinds a user can fix, by type. {@link IllegalArgumentException} covers bad options, a run
     * folder of another experiment and {@code ArchitectureMismatchException}; an
     * {@link IllegalStateException} is Orbit's own defect (a closed writer, say) and keeps its trace.
     */
    private static final List<Class<? extends Exception>> USER_FAULTS = List.of(
            IllegalArgumentException.class, MalformedFileException.class,
            ZooFormatException.class, DatasetNotFoundException.class, NoSuchFileException.class,
            NotDirectoryException.class, AccessDeniedException.class);

    private CliErrors() {}

    /** picocli's execution exception handler: reports {@code e} by the policy, or rethrows it. */
    static int handle(Exception e, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
        Exception fault = e instanceof UncheckedIOException u ? u.getCause() : e;
        boolean user = isUserFault(fault);
        if (!user && !(fault instanceof IOException)) {
            throw e;
        }
        command.getErr().println(command.getCommandSpec().qualifiedName(" ") + ": " + oneLine(message(fault)));
        command.getErr().flush();
        return user ? USER_ERROR : SYSTEM_ERROR;
    }

    /** picocli's parameter exception handler: a bad command line is a fault the user can fix. */
    static int handleParseError(CommandLine.ParameterException e, String[] args) {
        CommandLine bad = e.getCommandLine();
        String command = bad.getCommandSpec().qualifiedName(" ");
        bad.getErr().println(command + ": " + oneLine(e.getMessage()) + " (see '" + command + " --help')");
        bad.getErr().flush();
        return USER_ERROR;
    }

    private static boolean isUserFault(Exception e) {
        return USER_FAULTS.stream().anyMatch(kind -> kind.isInstance(e));
    }

    /** The message a person reads: file system exceptions name the file and say what is wrong with it. */
    static String message(Exception e) {
        if (e instanceof FileSystemException fs && fs.getFile() != null) {
            String problem = fs.getReason() != null ? ": " + fs.getReason()
                    : e instanceof NoSuchFileException ? " does not exist"
                    : e instanceof AccessDeniedException ? ": permission denied"
                    : e instanceof NotDirectoryException ? " is not a folder"
                    : ": " + e.getClass().getSimpleName();
            return fs.getFile() + (problem.endsWith(".") ? problem : problem + ".");
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** Folds a multi-line message into one line. */
    static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
