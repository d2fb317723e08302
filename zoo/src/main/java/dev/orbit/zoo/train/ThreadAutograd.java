package dev.orbit.zoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Records the operations of one training step on the current thread, like DJL's
 * {@code GradientCollector} (same libtorch calls), but without its process-wide "one collector at a
 * time" lock, so that groups can train on parallel threads: libtorch's gradient mode is per thread.
 */
final class ThreadAutograd implements AutoCloseable {

    ThreadAutograd() {
        JniUtils.setGradMode(true);
    }

    /**
     * Turns recording off on this thread. DJL turns it off on the thread that starts the engine,
     * but libtorch starts every other thread with it on: without this, evaluation on a worker thread
     * would record graphs and in-place updates of parameters would be refused.
     */
    static void stopRecordingOnThisThread() {
        JniUtils.setGradMode(false);
    }

    /** Back-propagates a scalar, accumulating into the gradients of the arrays that require one. */
    void backward(NDArray scalar) {
        try (NDArray ones = scalar.onesLike()) {
            JniUtils.backward((PtNDArray) scalar, (PtNDArray) ones, false, false);
        }
    }

    @Override
    public void close() {
        JniUtils.setGradMode(false);
    }
}
