package dev.orbit.zoo.train;

/** Told how many members have finished, e.g. to draw a progress bar with an ETA. */
@FunctionalInterface
public interface TrainingProgress {

    /** No reporting. */
    TrainingProgress NONE = (done, total) -> {};

    /**
     * Called after each finished group (batched) or member (one at a time).
     *
     * @param networksDone members whose last checkpoint was emitted
     * @param networksTotal members in this call
     */
    void update(int networksDone, int networksTotal);
}
