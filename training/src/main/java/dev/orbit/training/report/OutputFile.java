package dev.orbit.training.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** Opens a report file for writing, creating its folder, and turns failures into one clear sentence. */
final class OutputFile {

    private OutputFile() {}

    /**
     * @param file where to write
     * @param what what is being written, e.g. "scatter chart PNG", for the error message
     */
    static OutputStream open(Path file, String what) throws IOException {
        requireFilePath(file, what);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return Files.newOutputStream(file);
        } catch (IOException e) {
            throw failure(file, what, e);
        }
    }

    /** Rejects a missing path, or one that names a folder, before anything is written. */
    static void requireFilePath(Path file, String what) throws IOException {
        Objects.requireNonNull(file, what + " path must not be null");
        if (Files.isDirectory(file) || file.toAbsolutePath().getParent() == null) {
            throw new IOException("Cannot write " + what + " to " + file + ": it is a directory, expected a file path");
        }
    }

    /** An IOException naming the file, what was being written, and why it failed. */
    static IOException failure(Path file, String what, IOException cause) {
        return new IOException("Cannot write " + what + " to " + file + ": " + reason(cause), cause);
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied on " + ((AccessDeniedException) e).getFile();
        }
        if (e instanceof FileAlreadyExistsException) {
            return ((FileAlreadyExistsException) e).getFile() + " exists and is not a directory";
        }
        if (e instanceof FileSystemException) {
            FileSystemException fse = (FileSystemException) e;
            String why = fse.getReason() != null ? fse.getReason() : e.getClass().getSimpleName();
            return why + " (" + fse.getFile() + ")";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
