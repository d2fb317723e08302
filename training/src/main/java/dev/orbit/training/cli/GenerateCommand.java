package dev.orbit.training.cli;

import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.training.OrbitVersion;
import dev.orbit.training.generate.GeneratedZoo;
import dev.orbit.training.generate.TrainedGenerator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orbit generate}: sample new networks from the generative model of a run folder and write
 * them as an Orbit zoo ({@link GeneratedZoo}); {@code orbit zoo evaluate} then measures them.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Sample networks from a run of 'orbit train generate' into an Orbit zoo folder.",
                "Measure them with 'orbit zoo evaluate OUT --dataset NAME'. Rerun the same command to finish an"
                        + " interrupted one."})
public final class GenerateCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "RUN", description = "A run folder of orbit train generate.")
    Path run;

    @Option(names = "--count", required = true, paramLabel = "N", description = "Networks to generate.")
    int count;

    @Option(names = "--target-accuracy", split = ",", paramLabel = "A",
            description = "Requested test accuracy, or a list assigned to the networks in turn (a sweep)"
                    + " (default: the training zoo's 90th percentile).")
    double[] targets;

    @Option(names = "--activation", split = ",", paramLabel = "NAME",
            description = "Activation(s) of the generated networks, for a model of a zoo that mixes them"
                    + " (default: every activation the model knows, in turn).")
    List<String> activations;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--guidance", defaultValue = "1", paramLabel = "W",
            description = "Classifier-free guidance weight: 1 samples the conditional model, above 1 follows the"
                    + " requested accuracy more strongly (default: ${DEFAULT-VALUE}).")
    double guidance;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The zoo folder to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter log = spec.commandLine().getOut();
        try (TrainedGenerator generator = TrainedGenerator.load(run)) {
            double[] requested = targets != null ? targets : new double[] {generator.trainTestAccuracy().get("p90")};
            List<ActivationKind> kinds = activations == null ? generator.activations()
                    : activations.stream().map(ActivationKind::parse).toList();
            GeneratedZoo.Request request = new GeneratedZoo.Request(count, requested, kinds, seed, guidance);
            long start = System.nanoTime();
            int written = GeneratedZoo.write(out, generator, run, request, OrbitVersion.buildProvenance(),
                    (done, total) -> {
                        log.printf(Locale.ROOT, "generated %d of %d networks%n", done, total);
                        log.flush();
                    });
            log.printf(Locale.ROOT, "%d networks of %s in %s (%.1f s); measure them with: orbit zoo evaluate %s"
                            + " --dataset %s%n", written, generator.config().model(), out, (System.nanoTime() - start) / 1e9,
                    out, generator.dataset() == null ? "NAME" : generator.dataset());
            log.flush();
        }
        return 0;
    }
}
