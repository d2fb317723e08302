package dev.orbit.training.cli;

import dev.orbit.datasets.images.ImageDatasets;
import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.training.generate.ConditioningScore;
import dev.orbit.training.report.DistributionChart;
import dev.orbit.zoo.ZooEvaluation;
import dev.orbit.zoo.format.ZooReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code orbit zoo evaluate DIR --dataset NAME}: runs every checkpoint of a zoo on the dataset's test
 * split and writes the measured test loss and accuracy into the zoo's metrics ({@link ZooEvaluation}).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Run every network of a zoo on the dataset's test split and record the measured test accuracy",
                "in the zoo's metrics (generated networks have none until measured)."})
final class ZooEvaluateCommand extends ZooSubcommand {

    @Parameters(index = "0", paramLabel = "DIR", description = "The zoo folder (Orbit format).")
    Path dir;

    @Option(names = "--dataset", required = true, paramLabel = "NAME",
            description = "fashion-mnist, mnist or digits: the dataset the zoo's networks classify.")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the dataset's files are (default: searched).")
    Path dataDir;

    @Option(names = "--test-limit", paramLabel = "N",
            description = "Measure on the first N test images; 0 for all (default: what the zoo's generation recorded,"
                    + " else all).")
    Integer testLimit;

    @Option(names = "--chart", paramLabel = "PNG",
            description = "Also write a PNG of the measured test accuracies' distribution (with --compare: beside that"
                    + " zoo's trained and initial networks).")
    Path chart;

    @Option(names = "--compare", paramLabel = "ZOO",
            description = "With --chart: the zoo to compare with, e.g. the one a generator was trained on.")
    Path compare;

    @Override
    int execute() throws Exception {
        if (!Files.isDirectory(dir)) {
            throw userError(dir + " is not a folder.");
        }
        if (compare != null && chart == null) {
            throw userError("--compare goes with --chart PNG");
        }
        if (testLimit != null && testLimit < 0) {
            throw userError("--test-limit must be >= 0, got " + testLimit);
        }
        ImageSplit data = ImageDatasets.load(dataset, dataDir);
        long start = System.nanoTime();
        ZooEvaluation.Result r = ZooEvaluation.evaluate(dir, dataset, data, testLimit == null ? -1 : testLimit,
                (done, total) -> {
                    out().printf(Locale.ROOT, "evaluated %d of %d checkpoints%n", done, total);
                    out().flush();
                });
        double[] accuracies = r.testAccuracy().values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        out().printf(Locale.ROOT, "measured %d checkpoints of %s on %d %s test images in %.1f s (%d changed, %d left as"
                        + " they were: diverged or non-finite)%n", r.rows(), dir, r.testImages(), dataset,
                (System.nanoTime() - start) / 1e9, r.changed(), r.skipped());
        if (accuracies.length > 0) {
            out().printf(Locale.ROOT, "test accuracy: min %.4f  median %.4f  max %.4f%n", accuracies[0],
                    ZooInfoCommand.quantile(accuracies, 0.5), accuracies[accuracies.length - 1]);
        }
        try (ZooReader zoo = ZooReader.open(dir)) {
            ConditioningScore score = ConditioningScore.of(zoo);
            if (score != null) {
                out().printf(Locale.ROOT, "generated networks: median %.4f, best %.4f; requested vs measured accuracy:"
                                + " Kendall tau %.3f; %d of %d reached their requested accuracy%n", score.median(), score.best(),
                        score.kendallTau(), score.reached(), score.networks());
            }
        }
        if (chart != null) {
            writeChart();
        }
        out().flush();
        return 0;
    }

    /** The distribution chart: this zoo's final checkpoints, and the compared zoo's final and initial ones. */
    private void writeChart() throws Exception {
        Map<String, double[]> samples = new LinkedHashMap<>();
        samples.put(dir.getFileName() + " (measured)", accuracies(dir, -1));
        if (compare != null) {
            samples.put(compare.getFileName() + " (trained)", accuracies(compare, -1));
            double[] initial = accuracies(compare, 0);
            if (initial.length > 0) {
                samples.put(compare.getFileName() + " (initialisation)", initial);
            }
        }
        DistributionChart.write(chart, "Test accuracy on " + dataset, samples, "test accuracy");
        out().println("wrote " + chart);
    }

    /** Finite test accuracies of a zoo's checkpoints at one epoch (-1: its final epoch). */
    private static double[] accuracies(Path zoo, int epoch) throws Exception {
        try (ZooReader reader = ZooReader.open(zoo)) {
            int chosen = epoch < 0 ? reader.description().finalEpoch() : epoch;
            if (!reader.description().checkpointEpochs().contains(chosen)) {
                return new double[0];
            }
            return reader.metrics().stream().filter(r -> r.epoch() == chosen)
                    .mapToDouble(r -> r.metrics().testAccuracy()).filter(Double::isFinite).toArray();
        }
    }
}
