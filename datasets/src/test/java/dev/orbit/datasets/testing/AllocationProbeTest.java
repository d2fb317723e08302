package dev.orbit.datasets.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The probe must see a large allocation, or the "no huge allocation" tests prove nothing. */
class AllocationProbeTest {

    private static volatile byte[] sink;

    @Test
    void seesA64MegabyteAllocation() {
        AllocationProbe.Result r = AllocationProbe.measure(() -> sink = new byte[64 << 20]);
        assertTrue(r.allocatedBytes() >= 64L << 20, "probe saw only " + r.allocatedBytes() + " bytes");
        sink = null;
    }

    @Test
    void seesLittleForASmallAllocation() {
        AllocationProbe.Result r = AllocationProbe.measure(() -> sink = new byte[1024]);
        assertTrue(r.allocatedBytes() < 1 << 20, "probe saw " + r.allocatedBytes() + " bytes");
        sink = null;
    }
}
