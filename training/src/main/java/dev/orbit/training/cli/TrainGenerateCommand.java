package dev.orbit.training.cli;

import dev.orbit.datasets.zoo.ModelZooSource;
import dev.orbit.training.generate.GenerationRun;
import dev.orbit.training.generate.GeneratorConfig;
import dev.orbit.zoo.OrbitZooSource;
import dev.orbit.zoo.ZooSources;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orbit train generate}: fit a generative model of a zoo's weights, conditioned on test
 * accuracy ({@link GenerationRun}), on a zoo in any format {@code train predict-accuracy} reads.
 * Writes {@code RUN/model/}, {@code RUN/metrics.json} and a learning curve; rerunning on the same
 * {@code --out} continues an interrupted fit.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Fit a generative model (flow matching) of a zoo's weights, conditioned on test accuracy.",
                "Rerun with the same --out to continue an interrupted run; sample with 'orbit generate'."})
public final class TrainGenerateCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--zoo", required = true, paramLabel = "DIR", description = "The zoo folder.")
    Path zoo;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "orbit, cnn-zoo or state-dicts; default: detected from the folder.")
    String format;

    @Option(names = "--model", defaultValue = GeneratorConfig.NFN_HNP_DIFFUSION, paramLabel = "NAME",
            description = "nfn-hnp-diffusion (equivariant denoiser), flat-diffusion (flat MLP baseline) or autoencoder"
                    + " (Schürholt-style latent sampling baseline) (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--condition", defaultValue = "test_accuracy", paramLabel = "TARGET",
            description = "What the model is conditioned on: test_accuracy (and the activation when the zoo mixes"
                    + " them) (default: ${DEFAULT-VALUE}).")
    String condition;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "The run folder (created; reused to resume).")
    Path out;

    @Option(names = "--epochs", defaultValue = "200", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Networks per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of split, initialisation, noise and order"
            + " (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--hidden-channels", split = ",", paramLabel = "C",
            description = "Channels of the equivariant denoiser's hidden layers (default 32,32,32).")
    int[] hiddenChannels;

    @Option(names = "--flat-width", defaultValue = "512", description = "Hidden width of flat-diffusion's MLP"
            + " (default: ${DEFAULT-VALUE}).")
    int flatWidth;

    @Option(names = "--flat-depth", defaultValue = "2", description = "Hidden layers of flat-diffusion's MLP"
            + " (default: ${DEFAULT-VALUE}).")
    int flatDepth;

    @Option(names = "--steps", defaultValue = "50", description = "Euler steps when sampling (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--checkpoint", paramLabel = "N",
            description = "Which checkpoint of each network: epoch (orbit) or step (cnn-zoo); default the last.")
    Integer checkpoint;

    @Option(names = "--image-size", defaultValue = "28",
            description = "Input size of a cnn-zoo network, for its spec (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(names = "--threads", paramLabel = "T", description = "libtorch threads (default: the engine's).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        PrintWriter log = spec.commandLine().getOut();
        if (threads != null) {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
            }
            System.setProperty("ai.djl.pytorch.num_threads", threads.toString());
            System.setProperty("ai.djl.pytorch.num_interop_threads", threads.toString());
        }
        if (!ModelZooSource.TEST_ACCURACY.equals(condition)) {
            throw new IllegalArgumentException("Unknown --condition '" + condition + "'; expected test_accuracy");
        }
        GeneratorConfig config = GeneratorConfig.defaults(model.toLowerCase(Locale.ROOT)).withEpochs(epochs)
                .withBatchSize(batchSize).withLearningRate(learningRate).withSeed(seed).withFlatMlp(flatWidth, flatDepth)
                .withSamplingSteps(steps);
        if (hiddenChannels != null) {
            config = config.withHiddenChannels(hiddenChannels);
        }
        ZooSources.Format fmt = format != null ? ZooSources.Format.parse(format) : ZooSources.detect(zoo);
        try (ModelZooSource source = ZooSources.open(zoo, fmt, checkpoint, imageSize)) {
            String dataset = source instanceof OrbitZooSource orbit ? orbit.reader().description().dataset() : null;
            GenerationRun.Summary s = new GenerationRun(source, zoo.toAbsolutePath().normalize().toString(), fmt.id(),
                    dataset, config, out, log).execute();
            log.printf(Locale.ROOT, "%s: %d epochs, train loss %.4f, val loss %.4f (%.0f s in steps, %d training"
                            + " networks)%n", config.model(), s.epochs(), s.trainLoss(), s.validationLoss(), s.trainSeconds(),
                    s.trainNetworks());
            log.printf("wrote %s, %s%n", out.resolve("model"), out.resolve("report/learning-curve.png"));
            log.flush();
        }
        return 0;
    }
}
