package dev.orbit.datasets.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive, advisory lock on a folder that one writer owns (a zoo being generated, a training
 * run), held as an OS file lock on a lock file inside it. The OS releases it when the process dies,
 * even by {@code kill -9}, so a crashed writer never leaves a stale lock behind; the lock file
 * itself stays and is harmless.
 */
public final class FolderLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock on {@code dir/fileName}, creating the file.
     *
     * @param dir an existing folder
     * @param fileName the lock file's name inside it
     * @return the lock, or null when another process (or another writer in this one) holds it
     * @throws IOException when the lock file cannot be created
     */
    public static FolderLock tryAcquire(Path dir, String fileName) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve(fileName), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            return null;
        }
        return new FolderLock(channel, lock);
    }

    /** Releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
