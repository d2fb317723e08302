package dev.orbit.zoo.train;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

/**
 * Keeps the memory libtorch frees inside the process instead of returning it to the kernel.
 *
 * <p>A metanet training step allocates and frees tens of megabytes of tensors. With glibc's default
 * settings much of that goes back to the kernel when freed (large blocks are unmapped, the heap top
 * is trimmed) and is faulted in again, page by page, by the next step: measured on the metanet step
 * (HNP, batch 32) 12,000-18,000 page faults per step and a quarter of the process's CPU time in the
 * kernel. On a virtual machine a fault costs whatever the host makes it cost, so the step's time
 * swung by 2-3x between runs. Raising malloc's mmap threshold, trim threshold and top pad makes the
 * freed blocks reusable, which cut the step to well under half (docs/RESULTS.md, "Metanet training
 * step"). The price is that freed memory stays with the process until it ends (at most the trim
 * threshold per malloc arena).
 *
 * <p>The zoo trainers call it (a batched step frees tens of megabytes of activations too), and so do
 * every {@code orbit} command and the benchmarks. Process-wide; a no-op where glibc's {@code mallopt}
 * is absent (other C libraries, other systems).
 */
public final class NativeMemory {

    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
    private static final int M_MMAP_THRESHOLD = -3;
    /** glibc's largest accepted mmap threshold on 64-bit (half its 64 MiB arena heap). */
    private static final int MMAP_THRESHOLD = 32 << 20;
    private static final int TRIM_THRESHOLD = 1 << 30;
    private static final int TOP_PAD = 64 << 20;

    private NativeMemory() {}

    /**
     * Sets glibc's malloc so freed blocks are kept for reuse. Idempotent; returns whether every
     * setting was accepted (false without glibc).
     */
    public static boolean retainFreedMemory() {
        try {
            Function mallopt = NativeLibrary.getInstance("c").getFunction("mallopt");
            boolean ok = mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, MMAP_THRESHOLD}) == 1;
            ok &= mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, TRIM_THRESHOLD}) == 1;
            ok &= mallopt.invokeInt(new Object[] {M_TOP_PAD, TOP_PAD}) == 1;
            return ok;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false; // not glibc: its allocator's defaults stay
        }
    }
}
