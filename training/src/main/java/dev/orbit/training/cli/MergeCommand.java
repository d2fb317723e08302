package dev.orbit.training.cli;

import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.datasets.zoo.statedict.StateDictWriter;
import dev.orbit.training.align.AlignMethod;
import dev.orbit.training.align.Aligner;
import dev.orbit.training.align.Merging;
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
import picocli.CommandLine.Parameters;

/**
 * {@code orbit merge A B [C...] --out M}: aligns every network to the first and averages them. When
 * the dataset is known it prints each network's test loss and accuracy, the merge's, and the plain
 * (unaligned) average's for comparison.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge networks: align each to the first, then average their weights.")
public final class MergeCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "2..*", paramLabel = "NETWORK", description = "Weights files or zoo rows ZOO#index; the first is the reference.")
    List<String> networks;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The merged network: a .safetensors or .npz file.")
    Path out;

    @Mixin AlignOptions options;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        List<Networks.Network> loaded = options.load(networks);
        AlignMethod method = options.method();
        ImageSplit data = method == AlignMethod.ACTIVATIONS
                ? options.requireData(loaded, "--method activations")
                : options.data(loaded);
        List<float[]> weights = loaded.stream().map(Networks.Network::weights).toList();
        Networks.Network first = loaded.get(0);
        try (Aligner aligner = options.aligner(first.spec(), data)) {
            float[] merged = Merging.mergeAligned(weights, aligner, method);
            StateDictWriter.write(out, first.spec(), merged, Map.of("merged_by", method.id(),
                    "networks", String.join(" ", networks)));
            stdout.printf("merged %d networks aligned by %s into %s%n", loaded.size(), method.id(), out);
            if (data != null) {
                try (NetworkRunner runner = new NetworkRunner(first.spec())) {
                    for (Networks.Network n : loaded) {
                        print(stdout, n.name(), runner.score(n.weights(), data.test(), options.testLimit));
                    }
                    print(stdout, "merged (aligned by " + method.id() + ")", runner.score(merged, data.test(), options.testLimit));
                    print(stdout, "plain average (not aligned)", runner.score(plainAverage(weights), data.test(), options.testLimit));
                }
            }
        }
        stdout.flush();
        return 0;
    }

    private static void print(PrintWriter out, String name, NetworkRunner.Score s) {
        out.printf(Locale.ROOT, "  %-40s test loss %.4f  accuracy %.4f  (%d images)%n", name, s.loss(), s.accuracy(), s.images());
    }

    private static float[] plainAverage(List<float[]> weights) {
        float[] mean = new float[weights.get(0).length];
        for (float[] w : weights) {
            for (int i = 0; i < w.length; i++) {
                mean[i] += w[i] / weights.size();
            }
        }
        return mean;
    }
}
