package dev.orbit.training.cli;

import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.training.align.AlignMethod;
import dev.orbit.training.align.Aligner;
import dev.orbit.training.align.BarrierStudy;
import dev.orbit.training.align.Networks;
import dev.orbit.training.align.PairPicker;
import dev.orbit.training.align.ZooRows;
import dev.orbit.zoo.eval.NetworkRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code orbit barrier --zoo DIR --out DIR}: the loss and accuracy barrier on the straight path
 * between pairs of zoo networks, before and after alignment by each method, with the merged
 * network's accuracy beside its parents' ({@link BarrierStudy}). Prints one line per pair and a
 * summary; writes CSVs and two charts.
 */
@Command(name = "barrier", mixinStandardHelpOptions = true,
        description = "Interpolation barrier between pairs of zoo networks, before and after alignment.")
public final class BarrierCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for pairs.csv, curves.csv and the PNGs.")
    Path out;

    @Option(names = "--pairs", paramLabel = "N", defaultValue = "20", description = "Pairs of networks. Default: ${DEFAULT-VALUE}.")
    int pairs;

    @Option(names = "--methods", split = ",", paramLabel = "METHOD", defaultValue = "weights,activations",
            description = "Alignments to compare with none. Default: ${DEFAULT-VALUE}.")
    List<String> methods;

    @Option(names = "--min-accuracy", paramLabel = "X", defaultValue = "0.5",
            description = "Only networks with at least this recorded test accuracy. Default: ${DEFAULT-VALUE}.")
    double minAccuracy;

    @Option(names = "--points", paramLabel = "N", defaultValue = "11", description = "Points on each path, odd. Default: ${DEFAULT-VALUE}.")
    int points;

    @Mixin AlignOptions options;

    @Override
    public Integer call() throws Exception {
        if (options.zoo == null) {
            throw new IllegalArgumentException("Name the zoo with --zoo DIR.");
        }
        if (pairs < 1) {
            throw new IllegalArgumentException("--pairs must be at least 1, got " + pairs + ".");
        }
        List<AlignMethod> chosen = new ArrayList<>();
        for (String m : methods) {
            chosen.add(AlignMethod.parse(m));
        }
        PrintWriter stdout = spec.commandLine().getOut();
        try (ZooRows zoo = ZooRows.open(options.zoo)) {
            PairPicker.Pairs picked = PairPicker.pick(zoo.source(), pairs, minAccuracy, options.seed);
            List<Networks.Network> first = List.of(zoo.row(picked.pairs().get(0)[0]));
            ImageSplit data = options.requireData(first, "orbit barrier");
            stdout.printf(Locale.ROOT, "%d pairs of %s networks (of %d with test accuracy >= %.2f) from %s; test set %s%n",
                    picked.pairs().size(), picked.group(), picked.candidates(), minAccuracy, options.zoo, data.test().name());
            stdout.flush();
            try (Aligner aligner = options.aligner(first.get(0).spec(), data);
                    NetworkRunner runner = new NetworkRunner(first.get(0).spec())) {
                BarrierStudy study = new BarrierStudy(aligner, runner, data.test(), options.testLimit, points, chosen);
                for (int[] pair : picked.pairs()) {
                    study.add(zoo.row(pair[0]), zoo.row(pair[1]), line -> {
                        stdout.println(line);
                        stdout.flush();
                    });
                }
                study.write(out, options.zoo.getFileName() + " (" + picked.group() + ")");
                study.summary().forEach(stdout::println);
                stdout.printf("wrote %s, %s, %s, %s%n", out.resolve("pairs.csv"), out.resolve("curves.csv"),
                        out.resolve("barrier-loss.png"), out.resolve("barrier-accuracy.png"));
            }
        }
        stdout.flush();
        return 0;
    }
}
