package dev.orbit.training.fit;

import dev.orbit.training.model.ParameterFiles;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.orbit.datasets.zoo.ModelZooDataset;
import dev.orbit.metanet.optim.Adam;
import dev.orbit.training.metrics.KendallTau;
import dev.orbit.training.metrics.RegressionMetrics;
import dev.orbit.training.model.MetanetFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Fits a metanet to predict a zoo target from weights: its own loop (no {@code EasyTrain}), Adam
 * on the mean squared error of the normalised target (or NFN's cross-entropy, {@link FitConfig.Loss}), mini-batches stacked from a
 * {@link ModelZooDataset}, model selection and early stopping on validation Kendall tau.
 *
 * <p>Reproducible and resumable: initialisation uses the seed; each epoch reseeds the engine
 * (dropout) and shuffles with a generator derived from (seed, epoch), and augmentation is drawn per
 * (epoch, index). After every epoch the model, the optimiser state and the early-stopping state are
 * written to the checkpoint folder; a fit started on a folder that holds a checkpoint continues
 * after its last epoch and ends exactly where an uninterrupted fit would.
 */
public final class MetanetTrainer {

    private final Block model;
    private final ModelZooDataset train;
    private final ModelZooDataset validation;
    private final ModelZooDataset test;
    private final FitConfig config;
    private final Path checkpointFolder;
    private final String fingerprint;
    private final PrintWriter progress;
    private final EpochListener listener;

    private MetanetTrainer(Builder b) {
        this.model = b.model;
        this.train = b.train;
        this.validation = b.validation;
        this.test = b.test;
        this.config = b.config;
        this.checkpointFolder = b.checkpointFolder;
        this.fingerprint = b.fingerprint;
        this.progress = b.progress;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Fits the model (or continues a checkpointed fit), then loads the best epoch's parameters and
     * scores them on the validation and test splits.
     *
     * @param manager owns the model's parameters and the optimiser state
     */
    public FitResult fit(NDManager manager) throws IOException {
        train.prepare(null);
        validation.prepare(null);
        if (test != null) {
            test.prepare(null);
        }
        if (train.size() == 0 || validation.size() == 0) {
            throw new IllegalArgumentException("Fitting needs at least one training and one validation network; got "
                    + train.size() + " and " + validation.size());
        }
        Engine.getInstance().setRandomSeed(engineSeed(config.seed(), 0));
        try (NDManager probe = manager.newSubManager()) {
            NDList sample = train.getBatch(probe, new long[] {0})[0];
            model.initialize(manager, DataType.FLOAT32, sample.getShapes());
        }
        Adam adam = new Adam(manager, model.getParameters());
        Path folder = checkpointFolder != null ? checkpointFolder : Files.createTempDirectory("orbit-fit");
        Files.createDirectories(folder);
        TrainingCheckpoint checkpoint = new TrainingCheckpoint(folder);
        TrainingCheckpoint.Progress state = checkpoint.read();
        int resumedFrom = 0;
        if (state != null) {
            if (!Objects.equals(state.fingerprint, fingerprint)) {
                throw new IllegalArgumentException(folder + " holds a checkpoint of a different run (other model, data,"
                        + " target or seed); use another output folder or delete it.");
            }
            loadParameters(folder.resolve(state.modelFile), manager);
            Path optimizerFile = folder.resolve(state.optimizerFile);
            try (java.io.InputStream in = ParameterFiles.openChecked(optimizerFile, adam.encode(), false,
                    "the optimiser state of this model")) {
                adam.load(in);
            }
            resumedFrom = state.epochsCompleted;
            if (progress != null && resumedFrom > 0) {
                progress.printf(Locale.ROOT, "resuming after epoch %d of %d (best validation tau %.4f at epoch %d)%n",
                        resumedFrom, config.epochs(), state.bestValidationTau, state.bestEpoch);
            }
        } else {
            state = new TrainingCheckpoint.Progress();
            state.fingerprint = fingerprint;
        }

        ParameterStore store = new ParameterStore(manager, false);
        for (int epoch = state.epochsCompleted + 1; epoch <= config.epochs() && !state.stoppedEarly; epoch++) {
            long start = System.nanoTime();
            long[] dataNanos = {0};
            double[] stepStats = trainEpoch(manager, store, adam, epoch, dataNanos);
            double trainSeconds = stepStats[2];
            double[] valPred = predict(model, validation, manager, Math.max(config.batchSize(), 64), dataNanos);
            double[] valTruth = targets(validation);
            double valLoss = normalisedMse(validation, valPred);
            double tau = KendallTau.tauB(valTruth, valPred);
            double rmse = RegressionMetrics.of(valTruth, valPred).rmse();
            boolean improved = !Double.isNaN(tau) && tau > state.bestValidationTau;

            Path modelFile = checkpoint.epochFile("model", epoch, "params");
            saveParameters(modelFile);
            Path adamFile = checkpoint.epochFile("adam", epoch, "ndlist");
            adam.save(adamFile);
            if (improved || state.bestModelFile == null) {
                Path best = checkpoint.epochFile("best", epoch, "params");
                Files.copy(modelFile, best, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                state.bestModelFile = best.getFileName().toString();
            }
            if (improved) {
                state.bestValidationTau = tau;
                state.bestEpoch = epoch;
                state.staleEpochs = 0;
            } else {
                state.staleEpochs++;
            }
            boolean diverged = Double.isNaN(stepStats[0]);
            state.stoppedEarly = diverged
                    || config.patience() > 0 && state.staleEpochs >= config.patience() && epoch < config.epochs();
            EpochRecord record = new EpochRecord(epoch, stepStats[0], valLoss, tau, rmse, trainSeconds,
                    (System.nanoTime() - start) / 1e9, (long) stepStats[1], dataNanos[0] / 1e9);
            state.history.add(record);
            state.epochsCompleted = epoch;
            state.modelFile = modelFile.getFileName().toString();
            state.optimizerFile = adamFile.getFileName().toString();
            checkpoint.commit(state);
            if (progress != null) {
                progress.printf(Locale.ROOT, "epoch %3d/%d  train loss %.4f  val loss %.4f  val tau %.4f  val rmse %.4f"
                                + "  %s  (%.0f nets/s, %.1f s, data %.0f%%)%n",
                        epoch, config.epochs(), record.trainLoss(), valLoss, tau, rmse,
                        improved ? "new best" : "best " + String.format(Locale.ROOT, "%.4f @%d", state.bestValidationTau,
                                state.bestEpoch),
                        record.networksPerSecond(), record.epochSeconds(), 100 * record.dataShare());
                if (diverged) {
                    progress.printf(Locale.ROOT, "stopping: every update of epoch %d had a non-finite loss; keeping the best epoch%n", epoch);
                } else if (state.stoppedEarly) {
                    progress.printf(Locale.ROOT, "stopping early: no better validation tau for %d epochs%n", config.patience());
                }
            }
            if (listener != null) {
                listener.onEpoch(record, improved);
            }
        }

        loadParameters(folder.resolve(state.bestModelFile), manager);
        double[] valPred = predict(model, validation, manager, Math.max(config.batchSize(), 64));
        RegressionMetrics valMetrics = RegressionMetrics.of(targets(validation), valPred);
        RegressionMetrics testMetrics = null;
        double[] testTruth = new double[0];
        double[] testPred = new double[0];
        if (test != null && test.size() > 0) {
            testTruth = targets(test);
            testPred = predict(model, test, manager, Math.max(config.batchSize(), 64));
            testMetrics = RegressionMetrics.of(testTruth, testPred);
        }
        return new FitResult(model, List.copyOf(state.history), state.bestEpoch, valMetrics, testMetrics, testTruth,
                testPred, resumedFrom, state.stoppedEarly);
    }

    /**
     * One pass over the training split; returns {mean loss, networks, seconds in steps (batch
     * building included)} and adds the nanoseconds spent building batches to {@code dataNanos[0]}.
     */
    private double[] trainEpoch(NDManager manager, ParameterStore store, Adam adam, int epoch, long[] dataNanos)
            throws IOException {
        Engine.getInstance().setRandomSeed(engineSeed(config.seed(), epoch));
        train.setEpoch(epoch);
        int n = Math.toIntExact(train.size());
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(mix(config.seed(), epoch));
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double lossSum = 0;
        long seen = 0;
        long stepNanos = 0;
        int skipped = 0;
        for (int from = 0; from < n; from += config.batchSize()) {
            long[] batch = java.util.Arrays.copyOfRange(order, from, Math.min(n, from + config.batchSize()));
            long t0 = System.nanoTime();
            try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
                scope.suppressNotUsedWarning();
                NDList[] data = train.getBatch(step, batch);
                dataNanos[0] += System.nanoTime() - t0;
                float loss;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray predicted = model.forward(store, data[0], true).singletonOrThrow().reshape(-1); // (B)
                    NDArray l = config.loss().of(predicted, data[1].singletonOrThrow()); // ()
                    collector.backward(l);
                    loss = l.getFloat();
                }
                if (!Float.isFinite(loss)) {
                    // An exploding batch must not poison the parameters: skip its update, and drop its
                    // gradients, which the next backward pass would otherwise add to.
                    adam.discardGradients();
                    skipped++;
                    continue;
                }
                adam.step(config.learningRate());
                lossSum += (double) loss * batch.length;
            } finally {
                stepNanos += System.nanoTime() - t0;
            }
            seen += batch.length;
        }
        if (skipped > 0 && progress != null) {
            progress.printf(Locale.ROOT, "epoch %d: skipped %d update(s) with a non-finite loss%n", epoch, skipped);
        }
        return new double[] {seen == 0 ? Double.NaN : lossSum / seen, seen, stepNanos / 1e9};
    }

    /**
     * Predictions of a fitted model for every item of a dataset, in the target's units (the
     * dataset's normalisation undone).
     */
    public static double[] predict(Block model, ModelZooDataset data, NDManager manager, int batchSize) throws IOException {
        return predict(model, data, manager, batchSize, new long[1]);
    }

    /** {@link #predict(Block, ModelZooDataset, NDManager, int)}, adding batch-building nanoseconds to {@code dataNanos[0]}. */
    private static double[] predict(Block model, ModelZooDataset data, NDManager manager, int batchSize, long[] dataNanos)
            throws IOException {
        int n = Math.toIntExact(data.size());
        double[] out = new double[n];
        ParameterStore store = new ParameterStore(manager, false);
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            long[] idx = new long[to - from];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = from + i;
            }
            try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
                scope.suppressNotUsedWarning();
                long t0 = System.nanoTime();
                NDList[] batch = data.getBatch(step, idx);
                dataNanos[0] += System.nanoTime() - t0;
                float[] z = model.forward(store, batch[0], false).singletonOrThrow().reshape(-1).toFloatArray();
                for (int i = 0; i < z.length; i++) {
                    out[from + i] = data.getNormalization() == null ? z[i] : data.getNormalization().denormalizeTarget(z[i]);
                }
            }
        }
        return out;
    }

    private static double[] targets(ModelZooDataset data) {
        double[] t = new double[Math.toIntExact(data.size())];
        for (int i = 0; i < t.length; i++) {
            t[i] = data.rawTarget(i);
        }
        return t;
    }

    private static double normalisedMse(ModelZooDataset data, double[] predicted) {
        double sum = 0;
        for (int i = 0; i < predicted.length; i++) {
            double p = data.getNormalization() == null ? predicted[i] : data.getNormalization().normalizeTarget(predicted[i]);
            double d = p - data.label(i);
            sum += d * d;
        }
        return sum / predicted.length;
    }

    private void saveParameters(Path file) throws IOException {
        ParameterFiles.save(model, file);
    }

    private void loadParameters(Path file, NDManager manager) throws IOException {
        ParameterFiles.load(model, manager, file, false, "this run's model checkpoint");
        // Loading replaces the arrays; trainable ones must collect gradients again.
        for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : model.getParameters()) {
            if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
        }
    }

    private static long mix(long seed, int epoch) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static int engineSeed(long seed, int epoch) {
        return (int) (mix(seed, epoch + 1_000_003) & 0x7FFFFFFF);
    }

    /** Builds a {@link MetanetTrainer}: model, train and validation data and config are required. */
    public static final class Builder {
        private Block model;
        private ModelZooDataset train;
        private ModelZooDataset validation;
        private ModelZooDataset test;
        private FitConfig config = FitConfig.defaults().withLoss(FitConfig.Loss.MSE);
        private Path checkpointFolder;
        private String fingerprint = "";
        private PrintWriter progress;
        private EpochListener listener;

        private Builder() {}

        /** Required: an uninitialised metanet (see {@link MetanetFactory}). */
        public Builder setModel(Block model) {
            this.model = model;
            return this;
        }

        /** Required: the training split, with normalisation (and augmentation, if any). */
        public Builder setTrainData(ModelZooDataset train) {
            this.train = train;
            return this;
        }

        /** Required: the validation split, for model selection and early stopping. */
        public Builder setValidationData(ModelZooDataset validation) {
            this.validation = validation;
            return this;
        }

        /** Optional: the test split, scored once with the selected model. */
        public Builder optTestData(ModelZooDataset test) {
            this.test = test;
            return this;
        }

        /**
         * Optional: epochs, batch size, learning rate, seed, patience, loss (not AUTO: the trainer
         * sees normalised targets; {@code PredictionRun} resolves it); default
         * {@link FitConfig#defaults()} with MSE.
         */
        public Builder setConfig(FitConfig config) {
            this.config = config;
            return this;
        }

        /** Optional: where the per-epoch state goes and is resumed from; default a temporary folder. */
        public Builder optCheckpointFolder(Path folder) {
            this.checkpointFolder = folder;
            return this;
        }

        /**
         * Optional: identifies the run (model, data, target, seed); a checkpoint with another
         * fingerprint is refused rather than resumed.
         */
        public Builder optFingerprint(String fingerprint) {
            this.fingerprint = fingerprint;
            return this;
        }

        /** Optional: where the per-epoch progress line is printed. */
        public Builder optProgress(PrintWriter progress) {
            this.progress = progress;
            return this;
        }

        /** Optional: called after each epoch's checkpoint is written. */
        public Builder optListener(EpochListener listener) {
            this.listener = listener;
            return this;
        }

        public MetanetTrainer build() {
            if (model == null || train == null || validation == null || config == null) {
                throw new IllegalArgumentException("MetanetTrainer needs setModel, setTrainData, setValidationData and setConfig");
            }
            if (config.loss() == FitConfig.Loss.AUTO) {
                throw new IllegalArgumentException("MetanetTrainer needs a resolved loss (MSE or BCE), not AUTO");
            }
            return new MetanetTrainer(this);
        }
    }
}
