package dev.orbit.training.fit;

/** Told about each finished epoch, after its checkpoint is on disk. */
@FunctionalInterface
public interface EpochListener {

    /**
     * @param record the epoch's measurements
     * @param improved whether it is the best validation tau so far
     */
    void onEpoch(EpochRecord record, boolean improved);
}
