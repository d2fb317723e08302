package dev.orbit.zoo.train;

import dev.orbit.zoo.CheckpointRecord;
import java.io.IOException;

/**
 * Receives checkpoints as the trainers produce them, e.g. a zoo writer. Called on the training
 * thread; within a group, records come epoch by epoch, members in group order.
 */
@FunctionalInterface
public interface CheckpointSink {

    /** Takes one checkpoint of one member; its weight array is the sink's to keep. */
    void accept(CheckpointRecord record) throws IOException;
}
