package dev.orbit.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.images.DatasetNotFoundException;
import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.datasets.zoo.ArchitectureMismatchException;
import dev.orbit.zoo.format.ZooFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Orbit's one error policy: each kind of fault maps to its exit code and its one line. */
class CliErrorsTest {

    /** A subcommand that throws what it is given. */
    @CommandLine.Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        private final Exception fault;

        Boom(Exception fault) {
            this.fault = fault;
        }

        @Override
        public Integer call() throws Exception {
            throw fault;
        }
    }

    private record Result(int code, String out, String err) {}

    private static Result run(Exception fault) {
        CommandLine cli = OrbitCommand.commandLine();
        cli.addSubcommand(new CommandLine(new Boom(fault)));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("boom");
        return new Result(code, out.toString(), err.toString());
    }

    private static void assertOneLine(Exception fault, int code, String line) {
        Result r = run(fault);
        assertEquals(code, r.code(), r.err());
        assertEquals("orbit boom: " + line + System.lineSeparator(), r.err());
        assertEquals("", r.out());
    }

    @Test
    void faultsTheUserCanFixAreOneLineAndExitTwo() {
        assertOneLine(new IllegalArgumentException("--networks must be at least 1"), 2, "--networks must be at least 1");
        assertOneLine(new ArchitectureMismatchException("a.npz: layer 0 has shape (16,4), expected (8,4)"), 2,
                "a.npz: layer 0 has shape (16,4), expected (8,4)");
        assertOneLine(new MalformedFileException("x.npy: header is not a dictionary"), 2, "x.npy: header is not a dictionary");
        assertOneLine(new ZooFormatException(ZooFormatException.Reason.CORRUPT, "zoo/manifest.json is truncated\nat byte 4"),
                2, "zoo/manifest.json is truncated at byte 4");
        assertOneLine(new DatasetNotFoundException("Fashion-MNIST not found"), 2, "Fashion-MNIST not found");
        assertOneLine(new NoSuchFileException("runs/a"), 2, "runs/a does not exist.");
        assertOneLine(new UncheckedIOException(new AccessDeniedException("runs/a")), 2, "runs/a: permission denied.");
    }

    @Test
    void aMissingFileWithAReasonSaysSoOnce() {
        // It printed "w.npz: the weights file does not exist does not exist." before.
        assertOneLine(new NoSuchFileException("w.npz", null, "the weights file does not exist"), 2,
                "w.npz: the weights file does not exist.");
    }

    @Test
    void aFailingFileSystemIsOneLineAndExitOne() {
        assertOneLine(new FileSystemException("zoo/shard-0.safetensors", null, "No space left on device"), 1,
                "zoo/shard-0.safetensors: No space left on device.");
        assertOneLine(new UncheckedIOException(new IOException("Input/output error")), 1, "Input/output error");
    }

    @Test
    void aDefectKeepsItsStackTrace() {
        Result r = run(new NullPointerException("a defect"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("java.lang.NullPointerException: a defect"), r.err());
        assertTrue(r.err().contains("\tat "), r.err());
        assertFalse(r.err().startsWith("orbit boom:"), r.err());
        Result closed = run(new IllegalStateException("The writer for zoo is closed"));
        assertTrue(closed.err().contains("java.lang.IllegalStateException"), closed.err());
        assertTrue(closed.err().contains("\tat "), closed.err());
    }

    @Test
    void aParseErrorIsOneLineNamingTheCommandAndExitsTwo() {
        CommandLine cli = OrbitCommand.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("predict", "--run"));
        assertTrue(err.toString().startsWith("orbit predict: Missing required parameter for option '--run'"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
    }
}
