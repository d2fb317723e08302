package dev.orbit.training.cli;

import dev.orbit.training.predict.TrainedMetanet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orbit predict}: score checkpoints with the metanet of a run folder. Each weights file (a
 * {@code .safetensors} or {@code .npz} state dict, or a DJL {@code .params} file) must hold a
 * network of the zoo's architecture; another architecture is a one-line error naming the first
 * layer that differs.
 */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = "Predict a checkpoint's test accuracy (or the run's target) with a trained run.")
public final class PredictCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "RUN", description = "A run folder of orbit train predict-accuracy.")
    Path run;

    @Option(names = "--weights", required = true, arity = "1..*", paramLabel = "FILE",
            description = "Weights files: .safetensors, .npz or DJL .params of the zoo's architecture.")
    List<Path> weights;

    @Override
    public Integer call() throws Exception {
        try (TrainedMetanet metanet = TrainedMetanet.load(run)) {
            PrintWriter out = spec.commandLine().getOut();
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
}
