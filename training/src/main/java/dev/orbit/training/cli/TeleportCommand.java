package dev.orbit.training.cli;

import dev.orbit.datasets.images.ImageDatasets;
import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.training.align.TeleportExperiment;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orbit teleport}: convergence of full-batch gradient descent with and without teleportation
 * along the positive-scaling orbit, from the same He-normal starts, on a ReLU MLP; prints per seed
 * the gradient gain, the loss change at the teleport and the plain run's conserved-quantity drift.
 */
@Command(name = "teleport", mixinStandardHelpOptions = true,
        description = "Gradient descent with and without symmetry teleportation from the same starts (ReLU MLP).")
public final class TeleportCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--dataset", defaultValue = "digits", description = "Dataset. Default: ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the dataset's files are (default: searched).")
    Path dataDir;

    @Option(names = "--hidden", split = ",", defaultValue = "32,32", description = "Hidden widths. Default: ${DEFAULT-VALUE}.")
    int[] hidden;

    @Option(names = "--images", defaultValue = "1000", description = "Training images (full batch). Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--lr", defaultValue = "0.05", description = "Step size. Default: ${DEFAULT-VALUE}.")
    float lr;

    @Option(names = "--steps", defaultValue = "200", description = "Steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--max-factor", defaultValue = "2", description = "Teleport factors within [1/R, R]. Default: ${DEFAULT-VALUE}.")
    double maxFactor;

    @Option(names = "--seeds", defaultValue = "5", description = "Starts. Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for teleport.csv and teleport-loss.png.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || seeds < 1 || !(lr > 0)) {
            throw new IllegalArgumentException("--steps and --seeds must be at least 1 and --lr positive.");
        }
        ImageSplit data = ImageDatasets.load(dataset, dataDir);
        int[] widths = new int[hidden.length + 2];
        widths[0] = data.train().height() * data.train().width();
        System.arraycopy(hidden, 0, widths, 1, hidden.length);
        widths[widths.length - 1] = data.train().numClasses();
        NetworkSpec net = NetworkSpec.mlp(ActivationKind.RELU, widths);
        List<Long> seedList = new ArrayList<>();
        for (long s = 0; s < seeds; s++) {
            seedList.add(s);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("%s on %d %s images, lr %s, %d steps, factors within [1/%s, %s]%n", net.describe(), images,
                dataset, lr, steps, maxFactor, maxFactor);
        List<TeleportExperiment.SeedResult> results = TeleportExperiment.run(net, data.train(), images, lr, steps,
                maxFactor, seedList, out);
        int[] marks = {steps / 10, steps / 2, steps};
        for (TeleportExperiment.SeedResult r : results) {
            stdout.printf(Locale.ROOT, "seed %d: |grad|^2 x%.2f, loss change at teleport %.2e; loss at steps %s plain %s,"
                    + " teleported %s; conserved-quantity drift (plain) %.2e%n", r.seed(), r.gradientGain(), r.lossChange(),
                    Arrays.toString(marks), at(r.plain(), marks), at(r.teleported(), marks), r.drift());
        }
        stdout.printf("wrote %s, %s%n", out.resolve("teleport.csv"), out.resolve("teleport-loss.png"));
        stdout.flush();
        return 0;
    }

    private static String at(double[] losses, int[] steps) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < steps.length; i++) {
            sb.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.4f", losses[steps[i]]));
        }
        return sb.append(']').toString();
    }
}
