package dev.orbit.zoo.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {

    private static final Path STAT = Path.of("/proc/self/stat");
    /** 8 MiB of floats: above glibc's default mmap threshold (128 KiB), below NativeMemory's. */
    private static final long FLOATS = 2L << 20;
    private static final long PAGES = FLOATS * Float.BYTES / 4096;
    private static final int ROUNDS = 20;

    @Test
    void aFreedTensorsMemoryIsReusedWithoutFaultingItInAgain() throws IOException {
        assumeTrue(Files.isReadable(STAT), "needs Linux's /proc to count page faults");
        try (NDManager manager = NDManager.newBaseManager()) {
            assumeTrue(glibcDefaults(), "needs glibc's mallopt");
            long defaults = faultsWhileAllocating(manager);
            assumeTrue(NativeMemory.retainFreedMemory(), "needs glibc's mallopt");
            long retained = faultsWhileAllocating(manager);
            // Negative control: with glibc's defaults every round unmaps the block and faults it in
            // again (one fault per 4 KiB page written; half of them leaves room for huge pages).
            assertTrue(defaults > ROUNDS * PAGES / 2, "glibc's defaults faulted only " + defaults + " pages");
            // Retained: most rounds reuse the block freed by the one before (here 14 of 20 did; the
            // allocator still moves some), so at most half the faults remain.
            assertTrue(retained < defaults / 2, retained + " faults with retention vs " + defaults + " without");
        }
    }

    /** Minor page faults (after one warm-up round) while ROUNDS tensors of FLOATS zeros are written and freed one after another. */
    private static long faultsWhileAllocating(NDManager manager) throws IOException {
        manager.zeros(new Shape(FLOATS)).close(); // steady state: the allocator has seen the size once
        long before = minorFaults();
        for (int i = 0; i < ROUNDS; i++) {
            try (NDArray a = manager.zeros(new Shape(FLOATS))) { // memset touches every page
                a.getShape();
            }
        }
        return minorFaults() - before;
    }

    /** Field 10 of /proc/self/stat, counted after the command name (which may hold spaces). */
    private static long minorFaults() throws IOException {
        String stat = Files.readString(STAT);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[7]);
    }

    /** glibc's default thresholds (what a process that never called NativeMemory has). */
    private static boolean glibcDefaults() {
        try {
            Function mallopt = NativeLibrary.getInstance("c").getFunction("mallopt");
            return mallopt.invokeInt(new Object[] {-3, 128 << 10}) == 1   // M_MMAP_THRESHOLD
                    && mallopt.invokeInt(new Object[] {-1, 128 << 10}) == 1 // M_TRIM_THRESHOLD
                    && mallopt.invokeInt(new Object[] {-2, 0}) == 1;       // M_TOP_PAD
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false;
        }
    }
}
