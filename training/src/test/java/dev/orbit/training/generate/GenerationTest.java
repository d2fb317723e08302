package dev.orbit.training.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.orbit.datasets.zoo.InMemoryZooSource;
import dev.orbit.metanet.layers.EquivarianceCheck;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationAction;
import dev.orbit.metanet.testing.TestNetworks;
import dev.orbit.training.fit.SyntheticZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generative model: with a fixed start, the ODE sampler of the equivariant denoiser maps a
 * permuted start to the permuted sample (the flat baseline does not: the negative control); a fit is
 * seeded and resumable; sampling with a fixed seed repeats.
 */
class GenerationTest {

    /** An MLP with two hidden boundaries, so permutations act on two axes. */
    private static final NetworkSpec SPEC = NetworkSpec.mlp(ActivationKind.RELU, 4, 6, 5, 3);
    private static final ConditionEmbedding EMBEDDING = new ConditionEmbedding(8, 0.5, 0.2,
            List.of(ActivationKind.RELU, ActivationKind.TANH));
    /** Float32 round-off over 10 Euler steps of a 3-layer denoiser, relative to the sample's size. */
    private static final float RELATIVE_TOLERANCE = 1e-5f;
    /** What the broken symmetry of the flat denoiser must at least change (observed far above). */
    private static final float LARGE = 0.05f;

    private static WeightSpaceFeatures sampleFrom(Denoiser denoiser, NDManager manager, WeightSpaceFeatures start) {
        return FlowMatching.sample(denoiser, new ParameterStore(manager, false), EMBEDDING, start,
                new double[] {0.9, 0.4}, new ActivationKind[] {ActivationKind.TANH, ActivationKind.RELU}, 10, 2.0);
    }

    private static float permutationError(String model) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(801);
            GeneratorConfig config = GeneratorConfig.defaults(model).withHiddenChannels(8, 8).withFlatMlp(32, 1)
                    .withSamplingSteps(10);
            Denoiser denoiser = Denoiser.create(config, SPEC, EMBEDDING.size());
            denoiser.initialize(manager);
            TestNetworks.randomiseParameters(denoiser.block(), 802); // the condition's zero-start maps too
            scaleParameters(denoiser, 0.3f); // keeps 10 Euler steps of N(0, 1) layers in float32's comfortable range
            WeightSpaceFeatures start = TestNetworks.randomFeatures(manager, SPEC, 2, 1, 803);
            PermutationAction g = PermutationAction.random(SPEC, 804);
            WeightSpaceFeatures sample = sampleFrom(denoiser, manager, start);
            float error = TestNetworks.maxAbsDiff(sampleFrom(denoiser, manager, g.apply(start)), g.apply(sample));
            return error / Math.max(1f, EquivarianceCheck.maxAbs(sample));
        }
    }

    private static void scaleParameters(Denoiser denoiser, float factor) {
        denoiser.block().getParameters().forEach(p -> p.getValue().getArray().muli(factor));
    }

    @Test
    void samplingFromAPermutedStartGivesThePermutedSample() {
        float relative = permutationError(GeneratorConfig.NFN_HNP_DIFFUSION);
        assertTrue(relative <= RELATIVE_TOLERANCE, "equivariant sampler: relative error " + relative);
    }

    @Test
    void theFlatBaselineDoesNotCommuteWithPermutations() {
        float relative = permutationError(GeneratorConfig.FLAT_DIFFUSION);
        assertTrue(relative > LARGE, "negative control: the flat sampler's relative error is only " + relative);
    }

    @Test
    void theConditionEmbeddingStandardisesTheTargetAndOneHotsTheActivation() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] e = EMBEDDING.embed(manager, new float[] {0f}, new double[] {0.9},
                    new ActivationKind[] {ActivationKind.TANH}).toFloatArray();
            assertEquals(8 + 2 + 2, e.length);
            assertEquals(0f, e[0], 0f, "sin(0)");
            assertEquals(1f, e[4], 0f, "cos(0)");
            assertEquals(2f, e[8], 1e-6f, "(0.9 - 0.5) / 0.2");
            assertEquals(1f, e[9], 0f, "the target is given");
            assertArrayEquals(new float[] {0f, 1f}, new float[] {e[10], e[11]});
            float[] none = EMBEDDING.embed(manager, new float[] {0f}, new double[] {Double.NaN},
                    new ActivationKind[] {ActivationKind.TANH}).toFloatArray();
            assertArrayEquals(new float[] {0f, 0f}, new float[] {none[8], none[9]}, "a dropped target: no value, no flag");
            assertThrows(IllegalArgumentException.class, () -> EMBEDDING.embed(manager, new float[] {0f},
                    new double[] {0.5}, new ActivationKind[] {ActivationKind.SINE}));
        }
    }

    @Test
    void aFitIsResumableAndSamplingWithAFixedSeedRepeats(@TempDir Path tmp) throws Exception {
        InMemoryZooSource zoo = SyntheticZoo.create(24, 811, false);
        GeneratorConfig config = GeneratorConfig.defaults(GeneratorConfig.NFN_HNP_DIFFUSION).withHiddenChannels(4, 4)
                .withBatchSize(8).withSamplingSteps(5).withSeed(3);
        Path straight = tmp.resolve("straight");
        GenerationRun.Summary full = new GenerationRun(zoo, "synthetic", "memory", null, config.withEpochs(4), straight,
                null).execute();
        Path resumed = tmp.resolve("resumed");
        new GenerationRun(zoo, "synthetic", "memory", null, config.withEpochs(2), resumed, null).execute();
        GenerationRun.Summary rest = new GenerationRun(zoo, "synthetic", "memory", null, config.withEpochs(4), resumed,
                null).execute();
        assertEquals(2, rest.resumedFrom());
        assertEquals(full.trainLoss(), rest.trainLoss(), 0.0, "a resumed fit ends where an uninterrupted one does");
        assertArrayEquals(Files.readAllBytes(straight.resolve("model/denoiser.params")),
                Files.readAllBytes(resumed.resolve("model/denoiser.params")));
        assertTrue(Files.isRegularFile(straight.resolve("report/learning-curve.png")));

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> new GenerationRun(zoo,
                "synthetic", "memory", null, config.withSeed(4), resumed, null).execute());
        assertTrue(other.getMessage().contains("different generative run"), other.getMessage());

        try (TrainedGenerator generator = TrainedGenerator.load(straight)) {
            double[] targets = {generator.trainTestAccuracy().get("median"), generator.trainTestAccuracy().get("max")};
            ActivationKind[] activations = {ActivationKind.RELU, ActivationKind.RELU};
            float[][] first = generator.sample(targets, activations, 42, new int[] {0, 1}, 1.0);
            float[][] again = generator.sample(targets, activations, 42, new int[] {0, 1}, 1.0);
            float[][] alone = generator.sample(new double[] {targets[1]}, new ActivationKind[] {ActivationKind.RELU}, 42,
                    new int[] {1}, 1.0);
            float[][] otherSeed = generator.sample(targets, activations, 43, new int[] {0, 1}, 1.0);
            assertArrayEquals(first[1], again[1], 0f, "a fixed seed repeats");
            assertArrayEquals(first[1], alone[0], 1e-5f, "a network does not depend on what is sampled with it");
            assertTrue(maxAbsDiff(first[0], otherSeed[0]) > LARGE, "another seed, another network");
        }
    }

    @Test
    void theAutoencoderBaselineFitsAndSamplesDeterministically(@TempDir Path tmp) throws Exception {
        InMemoryZooSource zoo = SyntheticZoo.create(24, 821, false);
        GeneratorConfig config = GeneratorConfig.defaults(GeneratorConfig.AUTOENCODER).withFlatMlp(32, 1).withBatchSize(8)
                .withEpochs(3);
        Path run = tmp.resolve("autoencoder");
        GenerationRun.Summary s = new GenerationRun(zoo, "synthetic", "memory", null, config, run, null).execute();
        assertTrue(Double.isFinite(s.trainLoss()), "reconstruction loss " + s.trainLoss());
        try (TrainedGenerator generator = TrainedGenerator.load(run)) {
            double[] targets = {generator.trainTestAccuracy().get("min"), generator.trainTestAccuracy().get("max")};
            ActivationKind[] activations = {ActivationKind.RELU, ActivationKind.RELU};
            float[][] first = generator.sample(targets, activations, 7, new int[] {0, 1}, 1.0);
            float[][] again = generator.sample(targets, activations, 7, new int[] {0, 1}, 1.0);
            assertArrayEquals(first[0], again[0], 0f, "a fixed seed repeats");
            assertEquals(SyntheticZoo.SPEC.parameterCount(), first[1].length);
            for (float v : first[1]) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    private static float maxAbsDiff(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
