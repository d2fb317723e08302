package dev.orbit.training.cli;

import dev.orbit.datasets.zoo.ModelZooSource;
import dev.orbit.training.align.CanonicalZooSource;
import dev.orbit.datasets.zoo.ZooSplit;
import dev.orbit.datasets.zoo.cnnzoo.SmallCnnZooSource;
import dev.orbit.training.fit.FitConfig;
import dev.orbit.training.model.MetanetConfig;
import dev.orbit.training.fit.PredictionRun;
import dev.orbit.training.fit.RunSummary;
import dev.orbit.zoo.OrbitZooSource;
import dev.orbit.zoo.ZooSources;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orbit train predict-accuracy}: fit a metanet that predicts a network's test accuracy (or
 * generalization gap) from its weights, on a zoo in Orbit's format, the Small CNN Zoo format, or a
 * folder of state dicts. Writes {@code RUN/metrics.json}, the model in {@code RUN/model/} and a
 * report in {@code RUN/report/}; rerunning on the same {@code --out} continues an interrupted fit.
 */
@Command(
        name = "predict-accuracy",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Fit a metanet that predicts test accuracy (or generalization gap) from weights.",
                "Rerun with the same --out to continue an interrupted run."})
public final class TrainPredictAccuracyCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--zoo", required = true, paramLabel = "DIR", description = "The zoo folder.")
    Path zoo;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "orbit, cnn-zoo (weights.npy, layout.csv, metrics.csv.gz) or state-dicts (files + labels.csv);"
                    + " default: detected from the folder.")
    String format;

    @Option(names = "--model", defaultValue = "nfn-hnp", paramLabel = "NAME",
            description = "nfn-hnp, nfn-np, nfn-hnp-stat (HNP + StatNN statistics), statnn or flat-mlp"
                    + " (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--target", defaultValue = "test_accuracy", paramLabel = "TARGET",
            description = "test_accuracy or gen_gap (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--epochs", defaultValue = "50", description = "Maximum epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of split, initialisation and order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "The run folder (created; reused to resume).")
    Path out;

    @Option(names = "--batch-size", defaultValue = "8", description = "Networks per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", description = "Adam learning rate (default: FitConfig's, 1e-3 as NFN).")
    Float learningRate;

    @Option(names = "--loss", defaultValue = "auto", paramLabel = "LOSS",
            description = "mse (standardised target), bce (sigmoid output against the raw target in [0, 1], as NFN"
                    + " fits test accuracy) or auto (bce when every training target is in [0, 1], else mse)"
                    + " (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--normalize", defaultValue = "auto", paramLabel = "KIND",
            description = "layer (standardise each layer's weights with training-split statistics), none (raw"
                    + " weights) or auto (as NFN: layer for nfn-np, none for the others) (default: ${DEFAULT-VALUE}).")
    String normalize;

    @Option(names = "--patience", defaultValue = "10",
            description = "Stop after this many epochs without a better validation tau; 0 never (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--split", paramLabel = "KIND",
            description = "random, group (by hyperparameters without seed) or nfn (needs --split-file);"
                    + " default: nfn with --split-file, else random.")
    String split;

    @Option(names = "--split-file", paramLabel = "CSV",
            description = "NFN's split order file (one checkpoint row per line), for --split nfn.")
    Path splitFile;

    @Option(names = "--val-fraction", defaultValue = "0.1", description = "Validation share for random/group splits (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--test-fraction", defaultValue = "0.2", description = "Test share for random/group splits (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--train-networks", paramLabel = "N",
            description = "Train on a seeded random subset of N training networks (validation and test unchanged),"
                    + " for learning curves over the zoo size; default all.")
    Integer trainNetworks;

    @Option(names = "--checkpoint", paramLabel = "N",
            description = "Which checkpoint of each network: epoch (orbit) or step (cnn-zoo); default the last.")
    Integer checkpoint;

    @Option(names = "--image-size", defaultValue = "28",
            description = "Input size of a cnn-zoo network, for its spec (default: ${DEFAULT-VALUE}; 32 for CIFAR-10/SVHN).")
    int imageSize;

    @Option(names = "--canonicalize",
            description = "Replace every network by its canonical form (neurons sorted, ReLU scale or tanh sign fixed)"
                    + " before fitting: for the non-invariant flat-mlp. orbit predict does not canonicalise its inputs.")
    boolean canonicalize;

    @Option(names = "--augment", defaultValue = "none", paramLabel = "KIND",
            description = "none, perm (hidden-neuron permutations) or perm-scale (and scaling / sign flips) (default: ${DEFAULT-VALUE}).")
    String augment;

    @Option(names = "--hidden-channels", split = ",", paramLabel = "C",
            description = "Equivariant channels of nfn models (default 16,16,5).")
    int[] hiddenChannels;

    @Option(names = "--head-width", description = "Width of the MLP head (default 1000).")
    Integer headWidth;

    @Option(names = "--head-depth", description = "Hidden layers of the MLP head (default 2).")
    Integer headDepth;

    @Option(names = "--dropout", description = "Dropout in the head (default 0).")
    Float dropout;

    @Option(names = "--strict",
            description = "Refuse an orbit zoo with checkpoints whose weights are non-finite but not flagged diverged"
                    + " (default: leave them out with one summary line).")
    boolean strict;

    @Option(names = "--threads", paramLabel = "T",
            description = "libtorch threads (default: ${DEFAULT-VALUE}: as fast as 2 for nfn-hnp and 1.26x faster for"
                    + " statnn on 2 cores at batch 8, docs/RESULTS.md).")
    int threads = 1;

    @Override
    public Integer call() throws Exception {
        return execute();
    }

    private int execute() throws IOException {
        PrintWriter log = spec.commandLine().getOut();
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        // Read when the engine starts, which has not happened yet in the CLI.
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(threads));
        MetanetConfig config = modelConfig(model, hiddenChannels, headWidth, headDepth, dropout);
        if (!target.equals(ModelZooSource.TEST_ACCURACY) && !target.equals(ModelZooSource.GEN_GAP)) {
            throw new IllegalArgumentException("Unknown --target '" + target + "'; expected test_accuracy or gen_gap");
        }
        FitConfig fit = FitConfig.defaults().withEpochs(epochs).withBatchSize(batchSize).withSeed(seed)
                .withPatience(patience);
        if (learningRate != null) {
            fit = fit.withLearningRate(learningRate);
        }
        fit = fit.withLoss(FitConfig.Loss.parse(loss));
        Boolean normalizeWeights = switch (normalize.toLowerCase(Locale.ROOT)) {
            case "auto" -> null;
            case "layer" -> true;
            case "none" -> false;
            default -> throw new IllegalArgumentException("Unknown --normalize '" + normalize
                    + "'; expected auto, layer or none");
        };
        PredictionRun.Augmentation augmentation = PredictionRun.Augmentation.parse(augment);
        ZooSources.Format fmt = format != null ? ZooSources.Format.parse(format) : ZooSources.detect(zoo);
        if (canonicalize && augmentation != PredictionRun.Augmentation.NONE) {
            throw new IllegalArgumentException("--canonicalize and --augment exclude each other: a canonical form has no orbit left to sample.");
        }
        try (ModelZooSource opened = ZooSources.open(zoo, fmt, checkpoint, imageSize, strict);
                ModelZooSource source = canonicalize ? new CanonicalZooSource(opened) : opened) {
            if (opened instanceof OrbitZooSource orbit && orbit.nonFiniteSummary() != null) {
                log.println(orbit.nonFiniteSummary());
            }
            String kind = split != null ? split.toLowerCase(Locale.ROOT) : splitFile != null ? "nfn" : "random";
            ZooSplit zooSplit = split(source, kind);
            if (trainNetworks != null) {
                zooSplit = zooSplit.withTrainingSubset(trainNetworks, seed);
            }
            RunSummary s = PredictionRun.builder()
                    .setSource(source, zoo.toAbsolutePath().normalize().toString(), fmt.id())
                    .setTarget(target)
                    .setModel(config)
                    .setFitConfig(fit)
                    .setSplit(zooSplit, kind)
                    .setOutput(out)
                    .optAugmentation(augmentation)
                    .optWeightNormalization(normalizeWeights)
                    .optProgress(log)
                    .build()
                    .execute();
            log.printf(Locale.ROOT, "%s on %s: test Kendall tau %.4f, R² %.4f, RMSE %.4f (val tau %.4f, best epoch %d of %d,"
                            + " %.0f s, %.0f networks/s)%n", s.model(), s.target(), s.testKendallTau(), s.testR2(),
                    s.testRmse(), s.validationKendallTau(), s.bestEpoch(), s.epochs(), s.trainSeconds(),
                    s.trainNetworksPerSecond());
            log.printf("wrote %s, %s, %s%n", out.resolve("metrics.json"), out.resolve("model"), s.report());
            log.flush();
        }
        return 0;
    }

    private ZooSplit split(ModelZooSource source, String kind) throws IOException {
        switch (kind) {
            case "random":
                return ZooSplit.random(source.size(), valFraction, testFraction, seed);
            case "group":
                return ZooSplit.byGroup(source, valFraction, testFraction, seed);
            case "nfn":
                if (splitFile == null) {
                    throw new IllegalArgumentException("--split nfn needs --split-file CSV (NFN's split order)");
                }
                if (!(source instanceof SmallCnnZooSource cnn)) {
                    throw new IllegalArgumentException("--split nfn applies to cnn-zoo folders; this zoo is "
                            + source.describe());
                }
                return cnn.nfnSplit(splitFile);
            default:
                throw new IllegalArgumentException("Unknown --split '" + kind + "'; expected random, group or nfn");
        }
    }

    /** The model config for a name with the given overrides (null keeps the default). */
    static MetanetConfig modelConfig(String name, int[] channels, Integer width, Integer depth, Float dropout) {
        MetanetConfig c = MetanetConfig.defaults(name);
        if (channels != null) {
            if (!name.startsWith("nfn-")) {
                throw new IllegalArgumentException("--hidden-channels applies to the nfn-* models, not " + name);
            }
            c = c.withHiddenChannels(channels);
        }
        if (width != null) {
            c = c.withHeadWidth(width);
        }
        if (depth != null) {
            c = c.withHeadDepth(depth);
        }
        if (dropout != null) {
            c = c.withDropout(dropout);
        }
        return c;
    }
}
