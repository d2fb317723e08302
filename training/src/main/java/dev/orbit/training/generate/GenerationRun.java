package dev.orbit.training.generate;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.orbit.datasets.io.FolderLock;
import dev.orbit.datasets.zoo.ModelZooSource;
import dev.orbit.datasets.zoo.ZooNormalization;
import dev.orbit.datasets.zoo.ZooSplit;
import dev.orbit.metanet.optim.Adam;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.training.OrbitVersion;
import dev.orbit.training.fit.EpochRecord;
import dev.orbit.training.fit.TrainingCheckpoint;
import dev.orbit.training.model.ParameterFiles;
import dev.orbit.training.model.RunFiles;
import dev.orbit.training.model.RunProvenance;
import dev.orbit.training.report.LearningCurveChart;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Fits a generative model of a zoo's weights, conditioned on test accuracy (and activation when the
 * zoo mixes them), in a run folder:
 *
 * <ol>
 *   <li>{@code generate.json} (settings; marks the folder) and {@code split.json};
 *   <li>per-layer normalisation fitted on the training split ({@link ZooNormalization}, as the predictors do);
 *   <li>flow matching ({@link FlowMatching}) with Orbit's Adam, checkpointed after every epoch in
 *       {@code checkpoint/} so that the same command on the same folder continues an interrupted fit
 *       and ends where an uninterrupted one would;
 *   <li>the model in {@code model/} ({@link TrainedGenerator}), {@code metrics.json} and a learning curve.
 * </ol>
 */
public final class GenerationRun {

    /** The run's settings; its presence marks a folder as a run of this command. */
    static final String RUN_JSON = "generate.json";
    static final String LOCK_FILE = ".orbit-run.lock";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    private final ModelZooSource source;
    private final String zoo;
    private final String format;
    private final String dataset;
    private final GeneratorConfig config;
    private final Path out;
    private final PrintWriter progress;

    /**
     * @param source the zoo; every network's checkpoint the source holds is a training sample
     * @param zoo its location, recorded in provenance
     * @param format its format's name, recorded
     * @param dataset the dataset its networks classify (recorded for {@code orbit generate}), or null when unknown
     * @param progress where per-epoch lines go, or null
     */
    public GenerationRun(ModelZooSource source, String zoo, String format, String dataset, GeneratorConfig config,
            Path out, PrintWriter progress) {
        this.source = source;
        this.zoo = zoo;
        this.format = format;
        this.dataset = dataset;
        this.config = config;
        this.out = out;
        this.progress = progress;
    }

    /**
     * What a fit ended with.
     *
     * @param epochs epochs completed
     * @param trainLoss the last epoch's mean training loss
     * @param validationLoss its validation loss (NaN without validation networks)
     * @param trainSeconds seconds in training steps over the whole fit (resumed epochs included)
     * @param trainNetworks networks in the training split
     * @param resumedFrom epochs found complete in the folder
     */
    public record Summary(int epochs, double trainLoss, double validationLoss, double trainSeconds, int trainNetworks,
            int resumedFrom) {}

    /** Runs (or continues) the fit and writes every artefact. */
    public Summary execute() throws IOException {
        if (!source.targetNames().contains(ModelZooSource.TEST_ACCURACY)) {
            throw new IllegalArgumentException(source.describe() + " has no test_accuracy to condition on");
        }
        ZooSplit split = ZooSplit.random(source.size(), config.validationFraction(), 0, config.seed());
        if (split.train().length == 0) {
            throw new IllegalArgumentException(source.describe() + " leaves no training network");
        }
        for (int row : split.train()) {
            if (!Double.isFinite(source.target(row, ModelZooSource.TEST_ACCURACY))) {
                throw new IllegalArgumentException(source.describe() + " has no measured test accuracy for network "
                        + row + "; run 'orbit zoo evaluate' on it first.");
            }
        }
        String fingerprint = fingerprint(split);
        RunFiles.requireOwnFolder(out, RUN_JSON, LOCK_FILE);
        Files.createDirectories(out);
        try (FolderLock lock = FolderLock.tryAcquire(out, LOCK_FILE)) {
            if (lock == null) {
                throw new IllegalArgumentException(out + " is in use by another training (it holds the lock " + LOCK_FILE
                        + "); wait for it or choose another --out folder.");
            }
            Path runJson = out.resolve(RUN_JSON);
            if (Files.isRegularFile(runJson)) {
                String previous = RunFiles.requireString(RunFiles.readObject(runJson), "fingerprint", runJson);
                if (!previous.equals(fingerprint)) {
                    throw new IllegalArgumentException(out + " holds a different generative run (another zoo, model or"
                            + " seed); choose another --out folder or delete it.");
                }
            }
            RunFiles.writeAtomically(runJson, GSON.toJson(settings(fingerprint)));
            split.write(out.resolve("split.json"));
            return fit(split, fingerprint);
        }
    }

    private Summary fit(ZooSplit split, String fingerprint) throws IOException {
        NetworkSpec spec = source.spec();
        ZooNormalization normalization = ZooNormalization.fit(source, split.train(), ModelZooSource.TEST_ACCURACY);
        ConditionEmbedding embedding = new ConditionEmbedding(config.timeFeatures(), normalization.targetMean(),
                normalization.targetStd(), activations());
        Samples train = Samples.read(source, split.train());
        Samples validation = Samples.read(source, split.validation());
        if (progress != null) {
            progress.printf(Locale.ROOT, "train generate: %s on %s (train %d, val %d networks; condition: test accuracy%s)%n",
                    config.model(), source.describe(), train.size(), validation.size(),
                    embedding.activations().size() > 1 ? " and activation " + embedding.activations() : "");
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(engineSeed(config.seed(), 0));
            Denoiser denoiser = Denoiser.create(config, spec, embedding.size());
            denoiser.initialize(manager);
            Adam adam = new Adam(manager, denoiser.block().getParameters());
            TrainingCheckpoint checkpoint = new TrainingCheckpoint(out.resolve("checkpoint"));
            Files.createDirectories(checkpoint.folder());
            TrainingCheckpoint.Progress state = checkpoint.read();
            int resumedFrom = 0;
            if (state != null) {
                if (!fingerprint.equals(state.fingerprint)) {
                    throw new IllegalArgumentException(checkpoint.folder() + " holds a checkpoint of a different run;"
                            + " use another output folder or delete it.");
                }
                ParameterFiles.load(denoiser.block(), manager, checkpoint.folder().resolve(state.modelFile), false,
                        "this run's denoiser checkpoint");
                requireGradients(denoiser);
                try (java.io.InputStream in = ParameterFiles.openChecked(checkpoint.folder().resolve(state.optimizerFile),
                        adam.encode(), false, "the optimiser state of this denoiser")) {
                    adam.load(in);
                }
                resumedFrom = state.epochsCompleted;
                if (progress != null && resumedFrom > 0) {
                    progress.printf(Locale.ROOT, "resuming after epoch %d of %d%n", resumedFrom, config.epochs());
                }
            } else {
                state = new TrainingCheckpoint.Progress();
                state.fingerprint = fingerprint;
            }
            ParameterStore store = new ParameterStore(manager, false);
            for (int epoch = state.epochsCompleted + 1; epoch <= config.epochs(); epoch++) {
                long start = System.nanoTime();
                double[] trained = trainEpoch(denoiser, store, adam, embedding, normalization, train, epoch, manager);
                double valLoss = validation.size() == 0 ? Double.NaN
                        : validationLoss(denoiser, store, embedding, normalization, validation, manager);
                Path modelFile = checkpoint.epochFile("model", epoch, "params");
                ParameterFiles.save(denoiser.block(), modelFile);
                Path adamFile = checkpoint.epochFile("adam", epoch, "ndlist");
                adam.save(adamFile);
                EpochRecord record = new EpochRecord(epoch, trained[0], valLoss, Double.NaN, Double.NaN, trained[1],
                        (System.nanoTime() - start) / 1e9, train.size(), 0);
                state.history.add(record);
                state.epochsCompleted = epoch;
                state.bestEpoch = epoch; // a generative fit keeps its last epoch
                state.modelFile = modelFile.getFileName().toString();
                state.optimizerFile = adamFile.getFileName().toString();
                Path best = checkpoint.epochFile("best", epoch, "params"); // the checkpoint names three distinct files
                Files.copy(modelFile, best, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                state.bestModelFile = best.getFileName().toString();
                checkpoint.commit(state);
                if (progress != null && (epoch == 1 || epoch == config.epochs() || epoch % 10 == 0)) {
                    progress.printf(Locale.ROOT, "epoch %4d/%d  train loss %.4f  val loss %.4f  (%.1f s)%n", epoch,
                            config.epochs(), trained[0], valLoss, record.epochSeconds());
                    progress.flush();
                }
            }
            RunProvenance provenance = new RunProvenance(zoo, format, source.describe(), ModelZooSource.TEST_ACCURACY,
                    config.model(), config.seed(), "random", split.train().length, System.getProperty("java.version"),
                    OrbitVersion.buildProvenance());
            TrainedGenerator.Latents latents = config.isAutoencoder()
                    ? latents(denoiser, store, normalization, train, manager) : null;
            TrainedGenerator.save(out.resolve(TrainedGenerator.MODEL_FOLDER), denoiser, config, normalization, embedding,
                    dataset, train.targetSummary(), latents, provenance);
            EpochRecord last = state.history.get(state.history.size() - 1);
            double seconds = state.history.stream().mapToDouble(EpochRecord::trainSeconds).sum();
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("model", config.model());
            metrics.put("zoo", zoo);
            metrics.put("epochs", state.epochsCompleted);
            metrics.put("train_loss", last.trainLoss());
            metrics.put("val_loss", last.validationLoss());
            metrics.put("train_networks", train.size());
            metrics.put("val_networks", validation.size());
            metrics.put("train_seconds", seconds);
            metrics.put("parameters", parameterCount(denoiser));
            RunFiles.writeAtomically(out.resolve("metrics.json"), GSON.toJson(metrics));
            Path report = out.resolve("report");
            Files.createDirectories(report);
            Map<String, double[]> curves = new LinkedHashMap<>();
            curves.put("train loss", state.history.stream().mapToDouble(EpochRecord::trainLoss).toArray());
            if (validation.size() > 0) {
                curves.put("validation loss", state.history.stream().mapToDouble(EpochRecord::validationLoss).toArray());
            }
            LearningCurveChart.write(report.resolve("learning-curve.png"), config.model() + ": training loss", curves,
                    "epoch", "mean squared error (velocity, or reconstruction)");
            return new Summary(state.epochsCompleted, last.trainLoss(), last.validationLoss(), seconds, train.size(),
                    resumedFrom);
        }
    }

    /** One pass over the training networks: {mean loss, seconds}. */
    private double[] trainEpoch(Denoiser denoiser, ParameterStore store, Adam adam, ConditionEmbedding embedding,
            ZooNormalization normalization, Samples train, int epoch, NDManager manager) {
        long t0 = System.nanoTime();
        Engine.getInstance().setRandomSeed(engineSeed(config.seed(), epoch));
        SplittableRandom random = new SplittableRandom(mix(config.seed(), epoch));
        int n = train.size();
        int[] order = java.util.stream.IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        double lossSum = 0;
        for (int from = 0; from < n; from += config.batchSize()) {
            int[] batch = Arrays.copyOfRange(order, from, Math.min(n, from + config.batchSize()));
            float[] t = new float[batch.length];
            for (int i = 0; i < t.length; i++) {
                t[i] = (float) random.nextDouble();
            }
            try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
                scope.suppressNotUsedWarning();
                WeightSpaceFeatures x1 = normalization.normalize(train.features(step, batch));
                WeightSpaceFeatures x0 = noiseLike(x1, step);
                float loss;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray l = denoiser.trainingLoss(store, embedding, x1, x0, t,
                            dropped(train.targets(batch), random), train.activations(batch), true);
                    collector.backward(l);
                    loss = l.getFloat();
                }
                if (!Float.isFinite(loss)) {
                    adam.discardGradients();
                    continue;
                }
                adam.step(config.learningRate());
                lossSum += (double) loss * batch.length;
            }
        }
        return new double[] {lossSum / n, (System.nanoTime() - t0) / 1e9};
    }

    /** The autoencoder's latents of every training network, with its accuracy and activation: what sampling draws near. */
    private TrainedGenerator.Latents latents(Denoiser denoiser, ParameterStore store, ZooNormalization normalization,
            Samples train, NDManager manager) {
        float[][] z = new float[train.size()][];
        for (int from = 0; from < train.size(); from += config.batchSize()) {
            int[] batch = java.util.stream.IntStream.range(from, Math.min(train.size(), from + config.batchSize())).toArray();
            try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
                scope.suppressNotUsedWarning();
                NDArray latent = denoiser.encode(store, normalization.normalize(train.features(step, batch))); // (B, D)
                int d = Math.toIntExact(latent.getShape().get(1));
                float[] flat = latent.toFloatArray();
                for (int i = 0; i < batch.length; i++) {
                    z[batch[i]] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
                }
            }
        }
        return new TrainedGenerator.Latents(z, train.accuracy(), train.activation());
    }

    /** The targets with a seeded share dropped (NaN): the unconditional model classifier-free guidance needs. */
    private double[] dropped(double[] targets, SplittableRandom random) {
        for (int i = 0; i < targets.length; i++) {
            if (random.nextDouble() < config.conditionDropout()) {
                targets[i] = Double.NaN;
            }
        }
        return targets;
    }

    /** The loss on the validation networks at fixed times and noise, so epochs compare. */
    private double validationLoss(Denoiser denoiser, ParameterStore store, ConditionEmbedding embedding,
            ZooNormalization normalization, Samples validation, NDManager manager) {
        Engine.getInstance().setRandomSeed(engineSeed(config.seed(), -1));
        SplittableRandom random = new SplittableRandom(mix(config.seed(), -1));
        double sum = 0;
        int n = validation.size();
        for (int from = 0; from < n; from += config.batchSize()) {
            int[] batch = java.util.stream.IntStream.range(from, Math.min(n, from + config.batchSize())).toArray();
            float[] t = new float[batch.length];
            for (int i = 0; i < t.length; i++) {
                t[i] = (float) random.nextDouble();
            }
            try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
                scope.suppressNotUsedWarning();
                WeightSpaceFeatures x1 = normalization.normalize(validation.features(step, batch));
                NDArray l = denoiser.trainingLoss(store, embedding, x1, noiseLike(x1, step), t,
                        validation.targets(batch), validation.activations(batch), false);
                sum += (double) l.getFloat() * batch.length;
            }
        }
        return sum / n;
    }

    private static WeightSpaceFeatures noiseLike(WeightSpaceFeatures x, NDManager manager) {
        return x.map(a -> manager.randomNormal(a.getShape()));
    }

    /** The zoo's activations, in id order. */
    private List<ActivationKind> activations() {
        TreeSet<String> ids = new TreeSet<>();
        for (int row = 0; row < source.size(); row++) {
            ids.add(source.activation(row).id());
        }
        return ids.stream().map(ActivationKind::parse).toList();
    }

    private static long parameterCount(Denoiser denoiser) {
        long n = 0;
        for (var p : denoiser.block().getParameters()) {
            n += p.getValue().getArray().getShape().size();
        }
        return n;
    }

    private static void requireGradients(Denoiser denoiser) {
        for (var p : denoiser.block().getParameters()) {
            if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
        }
    }

    private JsonObject settings(String fingerprint) {
        JsonObject o = new JsonObject();
        o.addProperty("fingerprint", fingerprint);
        o.addProperty("zoo", zoo);
        o.addProperty("zoo_format", format);
        o.addProperty("zoo_description", source.describe());
        o.addProperty("condition", ModelZooSource.TEST_ACCURACY);
        o.add("config", JsonParser.parseString(config.toJson()));
        return o;
    }

    /** Identifies the experiment; epochs are left out so a rerun may extend training. */
    private String fingerprint(ZooSplit split) {
        String text = String.join("|", zoo, source.spec().toJson(), Integer.toString(source.size()),
                config.withEpochs(1).toJson(), split.toJson());
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static long mix(long seed, long salt) {
        long z = seed * 0x9E3779B97F4A7C15L + salt * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static int engineSeed(long seed, int epoch) {
        return (int) (mix(seed, epoch + 1_000_003L) & 0x7FFFFFFF);
    }

    /** Training networks held on the host: weights, accuracies, activations. */
    private record Samples(NetworkSpec spec, float[][] weights, double[] accuracy, ActivationKind[] activation) {

        static Samples read(ModelZooSource source, int[] rows) throws IOException {
            float[][] w = new float[rows.length][];
            double[] y = new double[rows.length];
            ActivationKind[] a = new ActivationKind[rows.length];
            for (int i = 0; i < rows.length; i++) {
                w[i] = source.weights(rows[i]);
                y[i] = source.target(rows[i], ModelZooSource.TEST_ACCURACY);
                a[i] = source.activation(rows[i]);
            }
            return new Samples(source.spec(), w, y, a);
        }

        int size() {
            return weights.length;
        }

        WeightSpaceFeatures features(NDManager manager, int[] batch) {
            int p = weights[0].length;
            float[] all = new float[batch.length * p];
            for (int i = 0; i < batch.length; i++) {
                System.arraycopy(weights[batch[i]], 0, all, i * p, p);
            }
            return WeightSpaceFeatures.fromFlat(spec, manager.create(all, new Shape(batch.length, p))); // (B, P) -> layers
        }

        double[] targets(int[] batch) {
            return Arrays.stream(batch).mapToDouble(i -> accuracy[i]).toArray();
        }

        ActivationKind[] activations(int[] batch) {
            return Arrays.stream(batch).mapToObj(i -> activation[i]).toArray(ActivationKind[]::new);
        }

        /** The training accuracies' spread: min, median, 90th percentile, max. */
        Map<String, Double> targetSummary() {
            double[] sorted = accuracy.clone();
            Arrays.sort(sorted);
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("min", sorted[0]);
            m.put("median", quantile(sorted, 0.5));
            m.put("p90", quantile(sorted, 0.9));
            m.put("max", sorted[sorted.length - 1]);
            return m;
        }
    }

    /** Linear interpolation between order statistics (NumPy's default). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
