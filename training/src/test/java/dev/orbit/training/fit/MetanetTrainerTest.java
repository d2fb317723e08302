package dev.orbit.training.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.orbit.datasets.zoo.InMemoryZooSource;
import dev.orbit.datasets.zoo.ModelZooDataset;
import dev.orbit.datasets.zoo.SymmetryAugmentation;
import dev.orbit.datasets.zoo.ZooNormalization;
import dev.orbit.datasets.zoo.ZooSplit;
import dev.orbit.training.model.MetanetConfig;
import dev.orbit.training.model.MetanetFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loop on a synthetic zoo whose target is a simple function of the weights: it learns
 * it (validation tau far above a shuffled-label control), and an interrupted fit resumes from its
 * checkpoint to exactly the metrics of an uninterrupted one.
 */
class MetanetTrainerTest {

    private static final MetanetConfig SMALL_STATNN = MetanetConfig.defaults("statnn").withHeadWidth(32).withDropout(0.1f);
    private static final MetanetConfig SMALL_HNP = MetanetConfig.defaults("nfn-hnp").withHiddenChannels(4, 4)
            .withHeadWidth(32).withHeadDepth(1);

    @Test
    void learnsASimpleFunctionOfTheWeightsFarBetterThanOnShuffledLabels(@TempDir Path dir) throws Exception {
        FitConfig config = new FitConfig(6, 16, 5e-3f, 1, 0);
        FitResult real = fit(SyntheticZoo.create(160, 7, false), SMALL_HNP, config, dir.resolve("real"), null);
        FitResult control = fit(SyntheticZoo.create(160, 7, true), SMALL_HNP, config, dir.resolve("control"), null);
        double realTau = real.validation().kendallTau();
        double controlTau = control.validation().kendallTau();
        assertTrue(realTau > 0.6, "validation tau " + realTau);
        assertTrue(Math.abs(controlTau) < 0.3, "shuffled-label validation tau " + controlTau);
        assertTrue(real.test().kendallTau() > 0.6, "test tau " + real.test().kendallTau());
        assertEquals(6, real.history().size());
    }

    @Test
    void anInterruptedFitResumesToTheSameFinalMetrics(@TempDir Path dir) throws Exception {
        InMemoryZooSource zoo = SyntheticZoo.create(96, 3, false);
        FitConfig config = new FitConfig(5, 16, 3e-3f, 4, 0);
        FitResult straight = fit(zoo, SMALL_STATNN, config, dir.resolve("straight"), null);

        Path run = dir.resolve("interrupted");
        RuntimeException crash = assertThrows(RuntimeException.class, () -> fit(zoo, SMALL_STATNN, config, run, (r, best) -> {
            if (r.epoch() == 2) {
                throw new RuntimeException("simulated interruption after epoch 2");
            }
        }));
        assertEquals("simulated interruption after epoch 2", crash.getMessage());
        FitResult resumed = fit(zoo, SMALL_STATNN, config, run, null);

        assertEquals(2, resumed.resumedFromEpoch());
        assertEquals(measured(straight), measured(resumed));
        assertEquals(straight.bestEpoch(), resumed.bestEpoch());
        assertEquals(straight.test(), resumed.test());
        assertArrayEquals(straight.testPredicted(), resumed.testPredicted(), 0.0);
        // Negative control: a fit with another seed ends elsewhere, so equality above is not vacuous.
        FitResult other = fit(zoo, SMALL_STATNN, config.withSeed(5), dir.resolve("other"), null);
        assertTrue(other.test().rmse() != straight.test().rmse());
    }

    @Test
    void aCheckpointOfAnotherRunIsRefused(@TempDir Path dir) throws Exception {
        InMemoryZooSource zoo = SyntheticZoo.create(48, 3, false);
        FitConfig config = new FitConfig(1, 16, 1e-3f, 4, 0);
        fit(zoo, SMALL_STATNN, config, dir, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fit(zoo, SMALL_STATNN, config.withSeed(9), dir, null));
        assertTrue(e.getMessage().contains("different run"), e.getMessage());
    }

    /** Each epoch's losses and scores, without its timings. */
    private static java.util.List<java.util.List<Double>> measured(FitResult r) {
        return r.history().stream().map(e -> java.util.List.of((double) e.epoch(), e.trainLoss(), e.validationLoss(),
                e.validationTau(), e.validationRmse(), (double) e.trainNetworks())).toList();
    }

    /** Fits on a seeded 60/20/20 split with normalisation and (for the train split) augmentation. */
    static FitResult fit(InMemoryZooSource zoo, MetanetConfig model, FitConfig config, Path folder, EpochListener listener)
            throws Exception {
        ZooSplit split = ZooSplit.random(zoo.size(), 0.2, 0.2, 0);
        ZooNormalization norm = ZooNormalization.fit(zoo, split.train(), "test_accuracy");
        ModelZooDataset train = ModelZooDataset.builder().setSource(zoo).setTarget("test_accuracy").optRows(split.train())
                .optNormalization(norm).optAugmentation(SymmetryAugmentation.permutations(config.seed())).build();
        ModelZooDataset val = ModelZooDataset.builder().setSource(zoo).setTarget("test_accuracy")
                .optRows(split.validation()).optNormalization(norm).build();
        ModelZooDataset test = ModelZooDataset.builder().setSource(zoo).setTarget("test_accuracy").optRows(split.test())
                .optNormalization(norm).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            return MetanetTrainer.builder()
                    .setModel(MetanetFactory.create(model, zoo.spec()))
                    .setTrainData(train)
                    .setValidationData(val)
                    .optTestData(test)
                    .setConfig(config)
                    .optCheckpointFolder(folder)
                    .optFingerprint(model.describe() + " seed " + config.seed())
                    .optListener(listener)
                    .build()
                    .fit(manager);
        }
    }
}
