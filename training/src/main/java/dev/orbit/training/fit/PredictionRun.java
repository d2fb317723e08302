package dev.orbit.training.fit;

import dev.orbit.training.model.RunProvenance;
import dev.orbit.training.model.RunFiles;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.orbit.datasets.io.FolderLock;
import dev.orbit.datasets.zoo.ModelZooDataset;
import dev.orbit.datasets.zoo.ModelZooSource;
import dev.orbit.datasets.zoo.SymmetryAugmentation;
import dev.orbit.datasets.zoo.ZooNormalization;
import dev.orbit.datasets.zoo.ZooSplit;
import dev.orbit.training.OrbitVersion;
import dev.orbit.training.metrics.RegressionMetrics;
import dev.orbit.training.model.MetanetConfig;
import dev.orbit.training.model.MetanetFactory;
import dev.orbit.training.predict.TrainedMetanet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One "predict a target from weights" experiment, end to end, in a run folder:
 *
 * <ol>
 *   <li>{@code run.json} (settings) and {@code split.json} (the split's row lists);
 *   <li>normalisation statistics fitted on the training split only;
 *   <li>fitting with {@link MetanetTrainer}, checkpointed in {@code checkpoint/} so that running the
 *       same experiment on the same folder again continues an interrupted fit;
 *   <li>the selected model in {@code model/} ({@link TrainedMetanet});
 *   <li>{@code metrics.json} and the report in {@code report/}.
 * </ol>
 */
public final class PredictionRun {

    /** The run's settings; its presence marks a folder as a run of this command. */
    static final String RUN_JSON = "run.json";
    /** Held while a run writes its folder: one training per folder. */
    static final String LOCK_FILE = ".orbit-run.lock";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    /** How training samples are augmented. */
    public enum Augmentation {
        /** No augmentation. */
        NONE,
        /** A random hidden-neuron permutation per sample and epoch. */
        PERMUTATION,
        /** Permutation and the rescaling the activation admits (positive scaling or sign flips). */
        PERMUTATION_AND_SCALING;

        /** Parses {@code none}, {@code perm}, {@code perm-scale}. */
        public static Augmentation parse(String s) {
            switch (s.toLowerCase(Locale.ROOT)) {
                case "none":
                    return NONE;
                case "perm":
                case "permutation":
                    return PERMUTATION;
                case "perm-scale":
                case "permutation-scaling":
                    return PERMUTATION_AND_SCALING;
                default:
                    throw new IllegalArgumentException("Unknown augmentation '" + s + "'; expected none, perm or perm-scale");
            }
        }
    }

    private final Builder b;
    /** The builder's model, fit and weight normalisation once settled against the training targets. */
    private MetanetConfig model;
    private FitConfig fit;
    private boolean normalizeWeights;

    private PredictionRun(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs (or continues) the experiment and writes every artefact. */
    public RunSummary execute() throws IOException {
        ModelZooSource source = b.source;
        ZooSplit split = b.split.requireWithin(source.size(), source.describe());
        if (!source.targetNames().contains(b.target)) {
            throw new IllegalArgumentException(source.describe() + " has no target '" + b.target + "'; it provides "
                    + String.join(", ", source.targetNames()));
        }
        if (split.train().length == 0 || split.validation().length == 0) {
            throw new IllegalArgumentException("The split leaves " + split.train().length + " training and "
                    + split.validation().length + " validation networks; both need at least one.");
        }
        resolveLoss(source, split);
        normalizeWeights = b.normalizeWeights != null ? b.normalizeWeights
                : MetanetFactory.readsStandardisedWeights(model.name());
        String fingerprint = fingerprint(split);
        requireOwnFolder(b.out);
        Files.createDirectories(b.out);
        try (FolderLock lock = FolderLock.tryAcquire(b.out, LOCK_FILE)) {
            if (lock == null) {
                throw new IllegalArgumentException(b.out + " is in use by another training (it holds the lock "
                        + LOCK_FILE + "); wait for it or choose another --out folder.");
            }
            return executeLocked(source, split, fingerprint);
        }
    }

    /** The run, with the folder locked: settings, data, fit, model, metrics, report. */
    private RunSummary executeLocked(ModelZooSource source, ZooSplit split, String fingerprint) throws IOException {
        Path runJson = b.out.resolve(RUN_JSON);
        if (Files.isRegularFile(runJson)) {
            String previous = RunFiles.requireString(RunFiles.readObject(runJson), "fingerprint", runJson);
            if (!previous.equals(fingerprint)) {
                throw new IllegalArgumentException(b.out + " holds a different run (another zoo, model, target, split or"
                        + " seed); choose another --out folder or delete it.");
            }
        }
        writeJson(runJson, settings(fingerprint));
        split.write(b.out.resolve("split.json"));

        PrintWriter log = b.progress;
        ZooNormalization normalization = ZooNormalization.fit(source, split.train(), b.target);
        if (!normalizeWeights) {
            normalization = normalization.withRawWeights();
        }
        if (fit.loss() == FitConfig.Loss.BCE) {
            normalization = normalization.withRawTarget();
        }
        SymmetryAugmentation augmentation = switch (b.augmentation) {
            case NONE -> null;
            case PERMUTATION -> SymmetryAugmentation.permutations(fit.seed());
            case PERMUTATION_AND_SCALING -> SymmetryAugmentation.permutationsAndScaling(fit.seed(), 0.5);
        };
        ModelZooDataset train = dataset(split.train(), normalization, augmentation);
        ModelZooDataset validation = dataset(split.validation(), normalization, null);
        ModelZooDataset test = dataset(split.test(), normalization, null);
        if (log != null) {
            log.printf(Locale.ROOT, "%s: %s on %s -> %s (train %d, val %d, test %d networks)%n", b.label, model.describe(),
                    source.describe(), b.target, split.train().length, split.validation().length, split.test().length);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            FitResult result = MetanetTrainer.builder()
                    .setModel(MetanetFactory.create(model, source.spec()))
                    .setTrainData(train)
                    .setValidationData(validation)
                    .optTestData(test)
                    .setConfig(fit)
                    .optCheckpointFolder(b.out.resolve("checkpoint"))
                    .optFingerprint(fingerprint)
                    .optProgress(log)
                    .build()
                    .fit(manager);
            TrainedMetanet.save(b.out.resolve(TrainedMetanet.MODEL_FOLDER), result.model(), model, source.spec(),
                    normalization, provenance(split));
            Map<String, Object> metrics = metrics(result, split);
            writeJson(b.out.resolve("metrics.json"), GSON.toJsonTree(metrics).getAsJsonObject());
            Path report = null;
            if (b.report) {
                Map<String, String> shown = new LinkedHashMap<>();
                metrics.forEach((k, v) -> shown.put(k, v instanceof Double d ? RunReport.fmt(d) : String.valueOf(v)));
                report = RunReport.write(b.out, model.name(), b.target, fit.loss(), shown, result);
            }
            RegressionMetrics t = result.test();
            return new RunSummary(model.name(), b.target, t == null ? Double.NaN : t.kendallTau(),
                    t == null ? Double.NaN : t.rSquared(), t == null ? Double.NaN : t.rmse(),
                    result.validation().kendallTau(), result.epochs(), result.bestEpoch(), result.fitSeconds(),
                    result.networksPerSecond(), b.out, report);
        }
    }

    /**
     * A run folder is new, empty, or a run of this command ({@code run.json}); anything else is
     * refused before a file is written, so a run never overwrites or deletes what it did not write.
     */
    private static void requireOwnFolder(Path out) throws IOException {
        RunFiles.requireOwnFolder(out, RUN_JSON, LOCK_FILE);
    }

    /**
     * Settles the loss against the training targets (AUTO: BCE for rates in [0, 1], else MSE) and
     * gives the model a sigmoid output exactly when the loss is BCE. Cross-entropy reads targets as
     * probabilities, so with BCE a target outside [0, 1] is refused up front.
     */
    private void resolveLoss(ModelZooSource source, ZooSplit split) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int outside = -1;
        for (int row : split.train()) {
            double y = source.target(row, b.target);
            min = Math.min(min, y);
            max = Math.max(max, y);
            if (outside < 0 && !(y >= 0 && y <= 1)) {
                outside = row;
            }
        }
        FitConfig.Loss loss = b.fit.loss().resolve(min, max);
        if (loss == FitConfig.Loss.BCE && outside >= 0) {
            throw new IllegalArgumentException("The bce loss needs targets in [0, 1]; network " + outside + " has "
                    + b.target + " = " + source.target(outside, b.target) + ". Use --loss mse for this target.");
        }
        fit = b.fit.withLoss(loss);
        model = b.model.withSigmoidOutput(loss == FitConfig.Loss.BCE);
    }

    private ModelZooDataset dataset(int[] rows, ZooNormalization normalization, SymmetryAugmentation augmentation) {
        return ModelZooDataset.builder().setSource(b.source).setTarget(b.target).optRows(rows)
                .optNormalization(normalization).optAugmentation(augmentation).setSampling(fit.batchSize(), false).build();
    }

    /** Identifies the experiment; epochs and patience are left out so a rerun may extend training. */
    private String fingerprint(ZooSplit split) {
        String text = String.join("|", b.zoo, b.source.spec().toJson(), Integer.toString(b.source.size()), b.target,
                model.toJson(), split.toJson(), Long.toString(fit.seed()), Integer.toString(fit.batchSize()),
                Float.toString(fit.learningRate()), b.augmentation.name(), fit.loss().name(),
                Boolean.toString(normalizeWeights));
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonObject settings(String fingerprint) {
        JsonObject o = new JsonObject();
        o.addProperty("fingerprint", fingerprint);
        o.addProperty("zoo", b.zoo);
        o.addProperty("zoo_format", b.format);
        o.addProperty("zoo_description", b.source.describe());
        o.addProperty("target", b.target);
        o.add("model", JsonParser.parseString(model.toJson()));
        o.add("fit", GSON.toJsonTree(fit));
        o.addProperty("split", b.splitName);
        o.addProperty("augmentation", b.augmentation.name().toLowerCase(Locale.ROOT));
        o.addProperty("weight_normalization", normalizeWeights ? "layer" : "none");
        return o;
    }

    private RunProvenance provenance(ZooSplit split) {
        return new RunProvenance(b.zoo, b.format, b.source.describe(), b.target, model.describe(), fit.seed(),
                b.splitName, split.train().length, System.getProperty("java.version"), OrbitVersion.buildProvenance());
    }

    private Map<String, Object> metrics(FitResult r, ZooSplit split) {
        Map<String, Object> m = new LinkedHashMap<>();
        RegressionMetrics t = r.test();
        m.put("model", model.name());
        m.put("target", b.target);
        m.put("zoo", b.zoo);
        m.put("zoo_format", b.format);
        m.put("seed", fit.seed());
        m.put("epochs", r.epochs());
        m.put("epochs_requested", fit.epochs());
        m.put("best_epoch", r.bestEpoch());
        m.put("stopped_early", r.stoppedEarly());
        m.put("test_kendall_tau", t == null ? Double.NaN : t.kendallTau());
        m.put("test_r2", t == null ? Double.NaN : t.rSquared());
        m.put("test_rmse", t == null ? Double.NaN : t.rmse());
        m.put("val_kendall_tau", r.validation().kendallTau());
        m.put("val_r2", r.validation().rSquared());
        m.put("val_rmse", r.validation().rmse());
        m.put("train_networks", split.train().length);
        m.put("val_networks", split.validation().length);
        m.put("test_networks", split.test().length);
        m.put("train_seconds", r.fitSeconds());
        m.put("train_networks_per_second", r.networksPerSecond());
        m.put("data_share", r.dataShare());
        m.put("split", b.splitName);
        m.put("augmentation", b.augmentation.name().toLowerCase(Locale.ROOT));
        m.put("loss", fit.loss().name().toLowerCase(Locale.ROOT));
        m.put("weight_normalization", normalizeWeights ? "layer" : "none");
        m.put("learning_rate", fit.learningRate());
        return m;
    }

    private static void writeJson(Path file, JsonObject json) throws IOException {
        RunFiles.writeAtomically(file, GSON.toJson(json));
    }

    /** Builds a {@link PredictionRun}: source, target, model, split and output folder are required. */
    public static final class Builder {
        private ModelZooSource source;
        private String zoo = "";
        private String format = "";
        private String target = ModelZooSource.TEST_ACCURACY;
        private MetanetConfig model;
        private FitConfig fit = FitConfig.defaults();
        private ZooSplit split;
        private String splitName = "explicit";
        private Path out;
        private Augmentation augmentation = Augmentation.NONE;
        private PrintWriter progress;
        private boolean report = true;
        private Boolean normalizeWeights;
        private String label = "train";

        private Builder() {}

        /** Required: the zoo; {@code location} and {@code format} are recorded in provenance. */
        public Builder setSource(ModelZooSource source, String location, String format) {
            this.source = source;
            this.zoo = location;
            this.format = format;
            return this;
        }

        /** Optional: the target; default test_accuracy. */
        public Builder setTarget(String target) {
            this.target = target;
            return this;
        }

        /** Required: the metanet. */
        public Builder setModel(MetanetConfig model) {
            this.model = model;
            return this;
        }

        /** Optional: fitting settings; default {@link FitConfig#defaults()}. */
        public Builder setFitConfig(FitConfig fit) {
            this.fit = fit;
            return this;
        }

        /** Required: the split, and a name for it in provenance (random, group, nfn, ...). */
        public Builder setSplit(ZooSplit split, String name) {
            this.split = split;
            this.splitName = name;
            return this;
        }

        /** Required: the run folder. */
        public Builder setOutput(Path out) {
            this.out = out;
            return this;
        }

        /** Optional: training-sample augmentation; default none. */
        public Builder optAugmentation(Augmentation augmentation) {
            this.augmentation = augmentation;
            return this;
        }

        /** Optional: where progress lines go. */
        public Builder optProgress(PrintWriter progress) {
            this.progress = progress;
            return this;
        }

        /** Optional: a prefix for the first progress line; default "train". */
        public Builder optLabel(String label) {
            this.label = label;
            return this;
        }

        /**
         * Optional: standardise each layer's weights and biases with training-split statistics
         * (true) or feed raw weights (false); default null: the model's own choice,
         * {@link MetanetFactory#readsStandardisedWeights}.
         */
        public Builder optWeightNormalization(Boolean normalizeWeights) {
            this.normalizeWeights = normalizeWeights;
            return this;
        }

        /** Optional: whether to write the report; default true. */
        public Builder optReport(boolean report) {
            this.report = report;
            return this;
        }

        public PredictionRun build() {
            if (source == null || model == null || split == null || out == null) {
                throw new IllegalArgumentException("PredictionRun needs setSource, setModel, setSplit and setOutput");
            }
            return new PredictionRun(this);
        }
    }
}
