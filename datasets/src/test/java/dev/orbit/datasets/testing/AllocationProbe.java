package dev.orbit.datasets.testing;

import java.lang.management.ManagementFactory;

/**
 * Measures the heap bytes the current thread allocates while running an action, to prove that a
 * reader rejects a lying header before allocating what the header claims.
 */
public final class AllocationProbe {

    /** An action that may throw, as readers do. */
    @FunctionalInterface
    public interface Action {
        /** @throws Exception anything; it is caught and returned */
        void run() throws Exception;
    }

    /** What happened: bytes allocated and the exception thrown, if any. */
    public record Result(long allocatedBytes, Throwable thrown) {}

    private AllocationProbe() {}

    /**
     * @param action the code to measure
     * @return bytes allocated by this thread while it ran, and what it threw
     */
    public static Result measure(Action action) {
        com.sun.management.ThreadMXBean bean =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = bean.getCurrentThreadAllocatedBytes();
        Throwable thrown = null;
        try {
            action.run();
        } catch (Throwable t) {
            thrown = t;
        }
        return new Result(bean.getCurrentThreadAllocatedBytes() - before, thrown);
    }
}
