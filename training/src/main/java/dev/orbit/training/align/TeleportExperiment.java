package dev.orbit.training.align;

import dev.orbit.datasets.images.ImageDataset;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.symmetry.ConservedQuantities;
import dev.orbit.metanet.symmetry.ScalingAction;
import dev.orbit.metanet.symmetry.Teleportation;
import dev.orbit.training.model.RunFiles;
import dev.orbit.training.report.LearningCurveChart;
import dev.orbit.zoo.eval.GradientDescent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Convergence with and without teleportation from the same starts: for each seed, a ReLU network
 * with He-normal weights is trained by full-batch gradient descent twice, once as it is and once
 * teleported first to the steepest point of its positive-scaling orbit within factors [1/R, R]
 * ({@link Teleportation}). The plain run also reports the drift of the conserved quantities
 * ({@link ConservedQuantities}), which gradient flow keeps constant.
 */
public final class TeleportExperiment {

    private TeleportExperiment() {}

    /**
     * One seed's result.
     *
     * @param plain loss per step without teleportation
     * @param teleported loss per step with it
     * @param gradientGain ‖∇L‖² after teleporting over before
     * @param lossChange |L(g·θ) − L(θ)| at the teleport (0 up to rounding: the function is unchanged)
     * @param drift the plain run's relative conserved-quantity drift
     */
    public record SeedResult(long seed, double[] plain, double[] teleported, double gradientGain, double lossChange,
            double drift) {}

    /** Runs every seed; writes {@code teleport.csv} and {@code teleport-loss.png} into {@code out}. */
    public static List<SeedResult> run(NetworkSpec spec, ImageDataset train, int images, float lr, int steps, double maxFactor,
            List<Long> seeds, Path out) throws IOException {
        List<SeedResult> results = new ArrayList<>();
        try (GradientDescent gd = new GradientDescent(spec, train, images)) {
            for (long seed : seeds) {
                float[] start = GradientDescent.heNormal(spec, seed);
                GradientDescent.Trace plain = gd.run(start, lr, steps, (s, w) -> w);
                float[] gradient = gd.gradient(start);
                ScalingAction g = Teleportation.steepest(spec, gradient, maxFactor, 3);
                float[] moved = g.applyToFlat(spec, start);
                double gain = Teleportation.gradientNormSquared(spec, gradient, g) / squaredNorm(gradient);
                double lossChange = Math.abs(gd.loss(moved) - gd.loss(start));
                GradientDescent.Trace teleported = gd.run(moved, lr, steps, (s, w) -> w);
                double drift = ConservedQuantities.relativeDrift(spec, start, plain.weights());
                results.add(new SeedResult(seed, plain.losses(), teleported.losses(), gain, lossChange, drift));
            }
        }
        Files.createDirectories(out);
        StringBuilder csv = new StringBuilder("seed,step,loss_plain,loss_teleported\n");
        for (SeedResult r : results) {
            for (int s = 0; s < r.plain().length; s++) {
                csv.append(String.format(Locale.ROOT, "%d,%d,%.6f,%.6f%n", r.seed(), s, r.plain()[s], r.teleported()[s]));
            }
        }
        RunFiles.writeAtomically(out.resolve("teleport.csv"), csv.toString());
        Map<String, double[]> curves = new LinkedHashMap<>();
        curves.put("plain gradient descent (mean of " + results.size() + " seeds)", mean(results, false));
        curves.put("teleported at step 0 (same starts)", mean(results, true));
        LearningCurveChart.write(out.resolve("teleport-loss.png"), spec.describe() + ": training loss", curves,
                "step", "mean training cross-entropy");
        return results;
    }

    private static double[] mean(List<SeedResult> results, boolean teleported) {
        double[] m = new double[results.get(0).plain().length];
        for (SeedResult r : results) {
            double[] v = teleported ? r.teleported() : r.plain();
            for (int i = 0; i < m.length; i++) {
                m[i] += v[i] / results.size();
            }
        }
        return m;
    }

    private static double squaredNorm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return s;
    }
}
