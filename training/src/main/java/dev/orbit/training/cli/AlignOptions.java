package dev.orbit.training.cli;

import dev.orbit.datasets.images.ImageDatasets;
import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.training.align.AlignMethod;
import dev.orbit.training.align.Aligner;
import dev.orbit.training.align.Networks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options {@code orbit align}, {@code merge} and {@code barrier} share: how to align, and on what data. */
final class AlignOptions {

    @Option(names = "--method", paramLabel = "METHOD", defaultValue = "weights",
            description = "weights (weight matching, Git Re-Basin) or activations (correlation of hidden activations"
                    + " on training images). Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--zoo", paramLabel = "DIR",
            description = "A zoo whose architecture (and dataset) the weights files have; not needed with ZOO#index.")
    Path zoo;

    @Option(names = "--activation", paramLabel = "NAME",
            description = "The weights files' hidden activation (relu, tanh, ...); default the architecture's.")
    String activation;

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "The networks' dataset (fashion-mnist, mnist, digits); default the zoo's.")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the dataset's files are (default: searched).")
    Path dataDir;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "" + Aligner.DEFAULT_SAMPLES,
            description = "Training images whose activations are correlated (--method activations). Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--test-limit", paramLabel = "N", defaultValue = "0",
            description = "Score on the first N test images only (0 = the whole test split). Default: ${DEFAULT-VALUE}.")
    int testLimit;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0",
            description = "Seed of the image sample and of weight matching's layer order. Default: ${DEFAULT-VALUE}.")
    long seed;

    AlignMethod method() {
        return AlignMethod.parse(method);
    }

    List<Networks.Network> load(List<String> refs) throws IOException {
        if (samples < 1) {
            throw new IllegalArgumentException("--samples must be at least 1, got " + samples + ".");
        }
        return Networks.load(refs, zoo, activation == null ? null : ActivationKind.parse(activation));
    }

    /** The dataset named by --dataset or recorded by the networks' zoo, or null when neither says. */
    ImageSplit data(List<Networks.Network> networks) throws IOException {
        String name = dataset != null ? dataset : networks.get(0).dataset();
        return name == null ? null : ImageDatasets.load(name, dataDir);
    }

    /** The dataset, or a one-line error saying how to name it. */
    ImageSplit requireData(List<Networks.Network> networks, String why) throws IOException {
        ImageSplit data = data(networks);
        if (data == null) {
            throw new IllegalArgumentException(why + " needs the networks' dataset: name it with --dataset.");
        }
        return data;
    }

    Aligner aligner(NetworkSpec spec, ImageSplit data) {
        return new Aligner(spec, data == null ? null : data.train(), samples, seed);
    }
}
