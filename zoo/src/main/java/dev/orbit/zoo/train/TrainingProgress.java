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

    /**
     * Called after every training step of a running group, because one group of a long budget can
     * train for many minutes before {@link #update} is next called. Never decreases within one call
     * of a trainer.
     *
     * @param networksDone finished members plus, for each running member, the share of its training
     *     steps taken (evaluation is not counted)
     * @param networksTotal members in this call
     */
    default void during(double networksDone, int networksTotal) {}
}
