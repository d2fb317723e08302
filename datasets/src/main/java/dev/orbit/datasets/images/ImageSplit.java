package dev.orbit.datasets.images;

import java.util.Objects;

/**
 * A dataset's train and test parts, which share image size and classes.
 *
 * @param train the training images
 * @param test the held-out images
 */
public record ImageSplit(ImageDataset train, ImageDataset test) {

    /**
     * Checks that both parts describe the same kind of image.
     *
     * @param train the training images
     * @param test the held-out images
     */
    public ImageSplit {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (train.height() != test.height() || train.width() != test.width()
                || train.numClasses() != test.numClasses()) {
            throw new IllegalArgumentException("train " + train + " and test " + test
                    + " differ in image size or class count");
        }
    }
}
