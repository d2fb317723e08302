package dev.orbit.training.cli;

import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.datasets.zoo.statedict.StateDictWriter;
import dev.orbit.training.align.AlignMethod;
import dev.orbit.training.align.Aligner;
import dev.orbit.training.align.BarrierStudy;
import dev.orbit.training.align.Networks;
import dev.orbit.zoo.eval.NetworkRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code orbit align}: permutes network B's hidden neurons (and, for tanh or sine networks, flips
 * their signs) so that B lines up with a reference A; B's function is unchanged. With {@code --curve}
 * it also scores the straight path from A to B before and after, on the test set.
 */
@Command(name = "align", mixinStandardHelpOptions = true,
        description = "Align network B's hidden neurons to a reference network A (same function, new weights).")
public final class AlignCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--reference", required = true, paramLabel = "A",
            description = "The reference: a weights file (.safetensors, .npz, DJL .params) or a zoo row ZOO#index.")
    String reference;

    @Option(names = "--weights", required = true, paramLabel = "B", description = "The network to align: a file or ZOO#index.")
    String weights;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Where B aligned goes: a .safetensors or .npz file.")
    Path out;

    @Option(names = "--curve", paramLabel = "DIR",
            description = "Also write the test loss and accuracy along A-to-B before and after alignment (CSV and PNG) here.")
    Path curve;

    @Option(names = "--points", paramLabel = "N", defaultValue = "11",
            description = "Points on the path for --curve, odd. Default: ${DEFAULT-VALUE}.")
    int points;

    @Mixin AlignOptions options;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        List<Networks.Network> networks = options.load(List.of(reference, weights));
        Networks.Network a = networks.get(0);
        Networks.Network b = networks.get(1);
        AlignMethod method = options.method();
        ImageSplit data = method == AlignMethod.ACTIVATIONS || curve != null
                ? options.requireData(networks, curve != null ? "--curve" : "--method activations")
                : null;
        try (Aligner aligner = options.aligner(a.spec(), data)) {
            Aligner.Result result = aligner.align(a.weights(), b.weights(), method);
            StateDictWriter.write(out, a.spec(), result.aligned(), Map.of("aligned_to", a.name(), "method", method.id()));
            stdout.printf(Locale.ROOT, "aligned %s to %s by %s in %.3f s: distance %.4f -> %.4f; wrote %s%n", b.name(),
                    a.name(), method.id(), result.seconds(), distance(a.weights(), b.weights()),
                    distance(a.weights(), result.aligned()), out);
            if (curve != null) {
                try (NetworkRunner runner = new NetworkRunner(a.spec())) {
                    BarrierStudy study = new BarrierStudy(aligner, runner, data.test(), options.testLimit, points, List.of(method));
                    study.add(a, b, stdout::println);
                    study.write(curve, a.spec().describe());
                    stdout.printf("wrote %s%n", curve.resolve("pairs.csv"));
                }
            }
        }
        stdout.flush();
        return 0;
    }

    /** ‖a − b‖. */
    static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }
}
