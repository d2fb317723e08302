package dev.orbit.zoo.train;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Keeps glibc from handing large freed blocks back to the kernel. A training step allocates and frees
 * tens of megabytes of activations; with glibc's defaults those pages are unmapped or trimmed after
 * each step and faulted in (zeroed) again on the next, which cost about a quarter of the time of a
 * batched step here. Raising the trim threshold and fixing the mmap threshold at its 32 MiB maximum
 * lets the freed memory be reused. Process-wide, idempotent, and a no-op off glibc.
 */
final class NativeMemory {

    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;
    private static final int MMAP_THRESHOLD_MAX = 32 << 20;
    private static volatile boolean done;

    private NativeMemory() {}

    interface CLibrary extends Library {
        int mallopt(int param, int value);
    }

    static synchronized void retainFreedMemory() {
        if (done) {
            return;
        }
        done = true;
        if (!Platform.isLinux()) {
            return;
        }
        try {
            CLibrary c = Native.load("c", CLibrary.class);
            c.mallopt(M_TRIM_THRESHOLD, Integer.MAX_VALUE);
            c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            // not glibc (e.g. musl): keep the defaults
        }
    }
}
