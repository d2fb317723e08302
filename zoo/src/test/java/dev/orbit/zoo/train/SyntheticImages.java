package dev.orbit.zoo.train;

import dev.orbit.datasets.images.ImageDataset;
import dev.orbit.datasets.images.ImageSplit;
import java.util.SplittableRandom;

/** Seeded learnable images: each class is a fixed random template plus noise, clipped to [-1, 1]. */
final class SyntheticImages {

    private SyntheticImages() {}

    static ImageSplit split(int size, int trainCount, int testCount, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int pixels = size * size;
        float[][] templates = new float[10][pixels];
        for (float[] t : templates) {
            for (int i = 0; i < pixels; i++) {
                t[i] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        return new ImageSplit(part("synthetic:train", size, trainCount, templates, random),
                part("synthetic:test", size, testCount, templates, random));
    }

    private static ImageDataset part(String name, int size, int count, float[][] templates, SplittableRandom random) {
        int pixels = size * size;
        float[] values = new float[count * pixels];
        int[] labels = new int[count];
        for (int n = 0; n < count; n++) {
            labels[n] = random.nextInt(10);
            for (int i = 0; i < pixels; i++) {
                double v = templates[labels[n]][i] + 0.8 * random.nextGaussian();
                values[n * pixels + i] = (float) Math.max(-1, Math.min(1, v));
            }
        }
        return ImageDataset.of(name, size, size, 10, values, labels);
    }
}
