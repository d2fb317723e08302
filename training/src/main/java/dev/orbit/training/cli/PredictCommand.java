package dev.orbit.training.cli;

import dev.orbit.datasets.zoo.ModelZooSource;
import dev.orbit.training.predict.TrainedMetanet;
import dev.orbit.training.predict.ZooPredictions;
import dev.orbit.zoo.ZooSources;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orbit predict}: score checkpoints with the metanet of a run folder. Each weights file (a
 * {@code .safetensors} or {@code .npz} state dict, or a DJL {@code .params} file) must hold a
 * network of the zoo's architecture; another architecture is a one-line error naming the first
 * layer that differs. With {@code --zoo} it scores rows of a zoo folder instead, in batches read
 * straight into weight-space tensors, next to each row's recorded target.
 */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = "Predict a checkpoint's test accuracy (or the run's target) with a trained run.")
public final class PredictCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "RUN", description = "A run folder of orbit train predict-accuracy.")
    Path run;

    @Option(names = "--weights", arity = "1..*", paramLabel = "FILE",
            description = "Weights files: .safetensors, .npz or DJL .params of the zoo's architecture.")
    List<Path> weights;

    @Option(names = "--zoo", paramLabel = "DIR",
            description = "Instead of --weights: score the networks of a zoo folder (any format orbit train reads).")
    Path zoo;

    @Option(names = "--rows", split = ",", paramLabel = "ROWS",
            description = "With --zoo: rows to score, e.g. 0,5,10-19 (ranges inclusive); default every row.")
    List<String> rows;

    @Override
    public Integer call() throws Exception {
        if ((weights == null) == (zoo == null) || rows != null && zoo == null) {
            throw new IllegalArgumentException("Give either --weights FILE... or --zoo DIR [--rows ROWS].");
        }
        try (TrainedMetanet metanet = TrainedMetanet.load(run)) {
            PrintWriter out = spec.commandLine().getOut();
            if (zoo != null) {
                printZooPredictions(metanet, out);
                out.flush();
                return 0;
            }
            for (Path file : weights) {
                double value = metanet.predict(file);
                if (weights.size() == 1) {
                    out.printf(Locale.ROOT, "%.6f%n", value);
                } else {
                    out.printf(Locale.ROOT, "%s\t%.6f%n", file, value);
                }
            }
            out.flush();
            return 0;
        }
    }

    /** One tab-separated line per row: row, prediction and, when the zoo records it, the true target. */
    private void printZooPredictions(TrainedMetanet metanet, PrintWriter out) throws IOException {
        long[] input = metanet.spec().inputShape();
        int imageSize = input.length == 3 ? (int) input[1] : 28; // a cnn-zoo folder's spec needs its image size
        try (ModelZooSource source = ZooSources.open(zoo, ZooSources.detect(zoo), null, imageSize)) {
            int[] selected = parseRows(rows, source.size(), zoo);
            double[] predicted = ZooPredictions.predict(metanet, source, selected);
            String target = metanet.target();
            boolean known = source.targetNames().contains(target);
            out.println("row\tpredicted_" + target + (known ? "\t" + target : ""));
            for (int i = 0; i < selected.length; i++) {
                out.printf(Locale.ROOT, known ? "%d\t%.6f\t%.6f%n" : "%d\t%.6f%n", selected[i], predicted[i],
                        known ? source.target(selected[i], target) : 0.0);
            }
        }
    }

    /** Rows and inclusive ranges a-b, in the order given; null means every row. */
    static int[] parseRows(List<String> specs, int size, Path zoo) {
        if (specs == null) {
            return IntStream.range(0, size).toArray();
        }
        IntStream.Builder rows = IntStream.builder();
        for (String item : specs) {
            String s = item.strip();
            int dash = s.indexOf('-', 1);
            int from;
            int to;
            try {
                from = Integer.parseInt(dash < 0 ? s : s.substring(0, dash).strip());
                to = dash < 0 ? from : Integer.parseInt(s.substring(dash + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--rows: '" + item + "' is not a row or a range a-b.");
            }
            if (from < 0 || to >= size || from > to) {
                throw new IllegalArgumentException("--rows: " + s + " is outside rows 0-" + (size - 1) + " of " + zoo + ".");
            }
            IntStream.rangeClosed(from, to).forEach(rows::add);
        }
        return rows.build().toArray();
    }
}
