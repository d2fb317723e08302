package dev.orbit.training.cli;

import dev.orbit.datasets.images.ImageDatasets;
import dev.orbit.datasets.zoo.ZooSplit;
import dev.orbit.training.fit.FitConfig;
import dev.orbit.training.fit.PredictionRun;
import dev.orbit.training.fit.RunSummary;
import dev.orbit.training.model.MetanetConfig;
import dev.orbit.training.report.HtmlSummary;
import dev.orbit.zoo.OrbitZooSource;
import dev.orbit.zoo.ZooGenerator;
import dev.orbit.zoo.format.ZooWriter;
import dev.orbit.zoo.space.ZooRecipe;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orbit quickstart}: the whole weight-space learning loop in a few minutes, with nothing to
 * install or download. It generates a zoo of small MLPs on the bundled 8x8 digits (recipe
 * {@value ZooRecipe#DIGITS_QUICK}, through {@link ZooGenerator} as {@code orbit zoo generate} does),
 * fits three metanets to predict each network's test accuracy from its weights (the invariant
 * NFN-HNP, StatNN and a flat MLP), prints their test Kendall tau side by side and writes a report.
 * Every step resumes: rerunning continues an interrupted quickstart.
 */
@Command(
        name = "quickstart",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Generate a small zoo and compare three metanets that predict test accuracy from weights.",
                "The zoo: MLPs on the bundled 8x8 digits; the metanets: nfn-hnp, statnn and flat-mlp.",
                "No arguments or downloads needed; rerun to resume."})
public final class QuickstartCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", defaultValue = "orbit-quickstart", paramLabel = "DIR",
            description = "Output folder (default: ${DEFAULT-VALUE}; a checkout ignores it).")
    Path out;

    @Option(names = "--networks", defaultValue = "500", paramLabel = "N",
            description = "Networks in the zoo (default: ${DEFAULT-VALUE}).")
    int networks;

    @Option(names = "--epochs", defaultValue = "25", paramLabel = "E",
            description = "Maximum metanet epochs (default: ${DEFAULT-VALUE}; early stopping after 8 without improvement).")
    int epochs;

    @Option(names = "--models", defaultValue = "nfn-hnp,statnn,flat-mlp", split = ",", paramLabel = "NAMES",
            description = "Metanets to compare (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of split and metanet training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        // One libtorch thread (before the engine starts): its two zoo groups run at once, and the metanets
        // train as fast on one thread as on two (docs/RESULTS.md, "Thread defaults").
        System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
        System.setProperty("ai.djl.pytorch.num_interop_threads",
                System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
        PrintWriter log = spec.commandLine().getOut();
        List<MetanetConfig> configs = new ArrayList<>();
        for (String name : models) {
            configs.add(MetanetConfig.defaults(name.trim()));
        }
        if (networks < 20) {
            throw new IllegalArgumentException("--networks must be at least 20 to leave train, validation and test networks");
        }
        ZooRecipe recipe = ZooRecipe.preset(ZooRecipe.DIGITS_QUICK).withNetworks(networks);
        Path zoo = out.resolve("zoo");
        log.printf(Locale.ROOT, "Orbit quickstart: can a metanet read a network's weights and tell how well it works?%n"
                + "Output: %s (rerun to resume)%n%n[1/3] Zoo: %d MLPs %s on the bundled 8x8 digits, recipe %s%n",
                out.toAbsolutePath().normalize(), networks, recipe.architecture().replace("mlp:", ""), recipe.name());
        log.flush();
        ZooGenerator.Result generated = ZooGenerator.generate(zoo, recipe, ImageDatasets.load(recipe.dataset(), null),
                dev.orbit.training.OrbitVersion.buildProvenance(), ZooWriter.Options.defaults(),
                ZooGenerateCommand.progressPrinter(zoo, spec.commandLine().getErr()));
        log.printf("Zoo %s: %d networks, %d checkpoints.%n", zoo, generated.networks(), generated.rows());

        List<RunSummary> results = new ArrayList<>();
        String zooDescription;
        int[] sizes;
        try (OrbitZooSource source = OrbitZooSource.open(zoo)) {
            zooDescription = source.describe();
            ZooSplit split = ZooSplit.random(source.size(), 0.15, 0.25, seed);
            sizes = new int[] {split.train().length, split.validation().length, split.test().length};
            log.printf(Locale.ROOT, "%n[2/3] Metanets predicting test accuracy from weights (train %d, validation %d,"
                    + " test %d networks)%n", sizes[0], sizes[1], sizes[2]);
            FitConfig fit = FitConfig.defaults().withEpochs(epochs).withSeed(seed).withPatience(8);
            for (MetanetConfig config : configs) {
                log.println();
                results.add(PredictionRun.builder()
                        .setSource(source, zoo.toAbsolutePath().normalize().toString(), "orbit")
                        .setTarget("test_accuracy")
                        .setModel(config)
                        .setFitConfig(fit)
                        .setSplit(split, "random")
                        .setOutput(out.resolve("runs").resolve(config.name()))
                        .optProgress(log)
                        .optLabel(config.name())
                        .build()
                        .execute());
            }
        }

        double minutes = (System.nanoTime() - start) / 60e9;
        log.printf(Locale.ROOT, "%n[3/3] Results on the %d held-out test networks%n%n", sizes[2]);
        log.printf(Locale.ROOT, "  %-9s %9s %8s %9s %8s %11s %8s%n", "model", "test tau", "test R²", "test RMSE", "val tau",
                "best epoch", "seconds");
        List<List<String>> rows = new ArrayList<>();
        for (RunSummary r : results) {
            log.printf(Locale.ROOT, "  %-9s %9.3f %8.3f %9.4f %8.3f %5d of %-3d %8.0f%n", r.model(), r.testKendallTau(),
                    r.testR2(), r.testRmse(), r.validationKendallTau(), r.bestEpoch(), r.epochs(), r.trainSeconds());
            rows.add(List.of(r.model(), fmt(r.testKendallTau()), fmt(r.testR2()), fmt(r.testRmse()),
                    fmt(r.validationKendallTau()), r.bestEpoch() + " of " + r.epochs(),
                    String.format(Locale.ROOT, "%.0f", r.trainSeconds())));
        }
        log.printf(Locale.ROOT, "%n  Kendall tau ranks networks by predicted vs true accuracy (1 = same order). The"
                + " permutation-invariant%n  metanets (nfn-hnp, statnn) should beat flat-mlp, which ignores that"
                + " shuffling hidden neurons%n  leaves a network unchanged.%n");
        Path report = writeReport(results, rows, zooDescription, sizes, minutes);
        log.printf(Locale.ROOT, "%nReport: %s%nPer-model runs (metrics.json, model, report): %s%nTotal time: %.1f min%n",
                report.toAbsolutePath().normalize(), out.resolve("runs").toAbsolutePath().normalize(), minutes);
        log.printf("Next: orbit predict --run %s --zoo %s --rows 0-9%n", out.resolve("runs").resolve(results.get(0).model()),
                zoo);
        log.flush();
        return 0;
    }

    private Path writeReport(List<RunSummary> results, List<List<String>> rows, String zoo, int[] sizes, double minutes)
            throws java.io.IOException {
        LinkedHashMap<String, String> facts = new LinkedHashMap<>();
        facts.put("zoo", zoo);
        facts.put("split (train / validation / test)", sizes[0] + " / " + sizes[1] + " / " + sizes[2]);
        facts.put("target", "test_accuracy");
        facts.put("seed", Long.toString(seed));
        facts.put("total minutes", String.format(Locale.ROOT, "%.1f", minutes));
        List<HtmlSummary.Figure> figures = new ArrayList<>();
        for (RunSummary r : results) {
            Path scatter = Path.of("runs", r.model(), "report", "test-scatter.png");
            if (Files.isRegularFile(out.resolve(scatter))) {
                figures.add(new HtmlSummary.Figure(scatter, r.model() + ": predicted vs true test accuracy of the "
                        + sizes[2] + " test networks (the diagonal is a perfect prediction)"));
            }
            Path loss = Path.of("runs", r.model(), "report", "learning-curves.png");
            if (Files.isRegularFile(out.resolve(loss))) {
                figures.add(new HtmlSummary.Figure(loss, r.model() + ": training loss per epoch"));
            }
        }
        Path html = out.resolve("index.html");
        HtmlSummary.builder()
                .setTitle("Orbit quickstart: predicting test accuracy from weights")
                .optMetrics(facts)
                .optTable(List.of("model", "test Kendall tau", "test R²", "test RMSE", "val Kendall tau", "best epoch",
                        "seconds"), rows)
                .optFigures(figures)
                .build()
                .write(html);
        return html;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }
}
