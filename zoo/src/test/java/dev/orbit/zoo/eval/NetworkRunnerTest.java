package dev.orbit.zoo.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.images.ImageDataset;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.symmetry.ActivationMatching;
import dev.orbit.metanet.symmetry.PermutationAction;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Running networks on images: a permuted network scores the same, its hidden activations are the
 * reference's with permuted columns (so activation matching recovers the permutation exactly), and
 * a path from a network to itself has no barrier.
 */
class NetworkRunnerTest {

    static Stream<NetworkSpec> specs() {
        return Stream.of(NetworkSpec.mlp(ActivationKind.RELU, 64, 32, 32, 10),
                NetworkSpec.mlp(ActivationKind.TANH, 64, 20, 10),
                NetworkSpec.smallCnnZoo(ActivationKind.RELU, 1, 16));
    }

    @ParameterizedTest
    @MethodSource("specs")
    void aPermutedNetworkScoresTheSameAndActivationMatchingFindsThePermutation(NetworkSpec spec) {
        int size = spec.inputShape().length == 3 ? 16 : 8;
        ImageDataset images = images(size, 300, 4);
        float[] a = gaussian(spec, 1, 0.4);
        PermutationAction hidden = PermutationAction.random(spec, 2);
        float[] b = hidden.applyToFlat(spec, a);
        try (NetworkRunner runner = new NetworkRunner(spec)) {
            NetworkRunner.Score sa = runner.score(a, images, 0);
            NetworkRunner.Score sb = runner.score(b, images, 0);
            assertEquals(300, sa.images());
            // losses of order 1 summed over 300 images in float32: 1e-5 relative
            assertEquals(sa.loss(), sb.loss(), 1e-5 * Math.max(1, sa.loss()));
            assertEquals(sa.accuracy(), sb.accuracy(), 0.0);
            assertEquals(100, runner.score(a, images, 100).images());

            int[] batch = IntStream.range(0, 200).toArray();
            List<float[]> actA = runner.hiddenActivations(a, images, batch);
            List<float[]> actB = runner.hiddenActivations(b, images, batch);
            int[] n = spec.neuronCounts();
            assertEquals(spec.numLayers() - 1, actA.size());
            for (int k = 1; k < spec.numLayers(); k++) {
                assertEquals(0, actA.get(k - 1).length % n[k]);
                assertTrue(actA.get(k - 1).length >= 200 * n[k]);
            }
            boolean odd = spec.layer(0).activation().admitsSignFlip();
            ActivationMatching.Match found = ActivationMatching.align(spec, actA, actB, odd);
            float[] aligned = found.action().applyToFlat(spec, b);
            if (odd) { // tanh has no dead neurons: the permutation itself comes back
                for (int k = 0; k <= spec.numLayers(); k++) {
                    assertArrayEquals(hidden.inverse().permutation(k), found.permutation().permutation(k), "boundary " + k);
                }
                assertArrayEquals(a, aligned);
            }
            // A ReLU neuron dead on every image correlates with nothing, so dead ones may trade places;
            // every boundary's activations still come back exactly (a permutation moves floats without arithmetic).
            List<float[]> actAligned = runner.hiddenActivations(aligned, images, batch);
            for (int k = 0; k < actA.size(); k++) {
                assertArrayEquals(actA.get(k), actAligned.get(k), 1e-6f, "boundary " + (k + 1));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("specs")
    void thePathFromANetworkToItselfHasNoBarrierButToAnotherUsuallyDoes(NetworkSpec spec) {
        int size = spec.inputShape().length == 3 ? 16 : 8;
        ImageDataset images = images(size, 200, 5);
        float[] a = gaussian(spec, 3, 0.4);
        try (NetworkRunner runner = new NetworkRunner(spec)) {
            InterpolationPath self = InterpolationPath.evaluate(runner, a, a, 5, images, 0);
            assertEquals(0.0, self.lossBarrier(), 1e-5);
            assertEquals(0.0, self.accuracyBarrier(), 0.0);
            InterpolationPath path = InterpolationPath.evaluate(runner, a, gaussian(spec, 4, 0.4), 5, images, 0);
            assertEquals(runner.score(a, images, 0).loss(), path.loss()[0], 1e-6);
            assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, path.alphas(), 0.0);
            assertTrue(path.lossBarrier() >= 0);
        }
    }

    @ParameterizedTest
    @MethodSource("specs")
    void refusesImagesOfAnotherShape(NetworkSpec spec) {
        try (NetworkRunner runner = new NetworkRunner(spec)) {
            assertThrows(IllegalArgumentException.class, () -> runner.score(gaussian(spec, 1, 1), images(12, 10, 1), 0));
        }
    }

    static float[] gaussian(NetworkSpec spec, long seed, double std) {
        Random random = new Random(seed);
        float[] w = new float[Math.toIntExact(spec.parameterCount())];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (std * random.nextGaussian());
        }
        return w;
    }

    static ImageDataset images(int size, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] pixels = new float[count * size * size];
        int[] labels = new int[count];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble();
        }
        for (int i = 0; i < count; i++) {
            labels[i] = random.nextInt(10);
        }
        return ImageDataset.of("random", size, size, 10, pixels, labels);
    }
}
