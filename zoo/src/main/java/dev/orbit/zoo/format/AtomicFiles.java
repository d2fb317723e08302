package dev.orbit.zoo.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe file replacement: write a temporary sibling, force it to disk, rename it over the
 * target in one atomic step, then force the directory so the rename itself survives a power cut.
 * A reader therefore sees either the old file or the new one, never a prefix.
 */
final class AtomicFiles {

    private AtomicFiles() {}

    /** Replaces {@code target} with {@code content}. */
    static void write(Path target, byte[] content) throws IOException {
        write(target, content, target.resolveSibling(ZooFormat.tempName(target.getFileName().toString())));
    }

    /** Replaces {@code target} with {@code content}, written first to {@code temp}, a sibling. */
    static void write(Path target, byte[] content, Path temp) throws IOException {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        publish(temp, target);
    }

    /** Forces a finished temporary file to disk and renames it to {@code target} atomically. */
    static void publish(Path temp, Path target) throws IOException {
        force(temp);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("The file system of " + target.getParent()
                    + " cannot rename atomically, so a zoo there would not be crash-safe.", e);
        }
        forceDirectory(target.getParent());
    }

    /** Forces a file's content to disk. */
    static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** Forces a directory's entries to disk, where the platform allows it (Linux and macOS do). */
    static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Windows cannot open a directory as a channel; NTFS journals renames itself.
        }
    }
}
