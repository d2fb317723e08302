package dev.orbit.training.align;

import dev.orbit.datasets.images.ImageDataset;
import dev.orbit.training.model.RunFiles;
import dev.orbit.training.report.InterpolationChart;
import dev.orbit.zoo.eval.InterpolationPath;
import dev.orbit.zoo.eval.NetworkRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Linear mode connectivity before and after alignment: for each pair of networks (A, B) the test
 * loss and accuracy along θ(α) = (1 − α)·θ_A + α·θ_B, once as they are ("none") and once per
 * alignment method with B aligned to A. The midpoint α = 0.5 of an aligned path is the two
 * networks' merge ({@link Merging}), so its accuracy is reported beside the parents'.
 *
 * <p>Output folder: {@code pairs.csv} (one row per pair and method: endpoints, barriers, merged
 * network, alignment time), {@code curves.csv} (every point of every path), and
 * {@code barrier-loss.png} / {@code barrier-accuracy.png} (the mean path over pairs per method).
 */
public final class BarrierStudy {

    /** The unaligned path's method name. */
    public static final String NONE = "none";

    private final Aligner aligner;
    private final NetworkRunner runner;
    private final ImageDataset test;
    private final int testLimit;
    private final int points;
    private final List<AlignMethod> methods;
    private final List<PairResult> results = new ArrayList<>();

    /**
     * @param aligner aligns B to A
     * @param runner the architecture, to score paths
     * @param test the test images
     * @param testLimit at most this many test images (0 = all)
     * @param points points on each path, odd (so α = 0.5, the merge, is one)
     * @param methods the alignments to compare with the unaligned path
     */
    public BarrierStudy(Aligner aligner, NetworkRunner runner, ImageDataset test, int testLimit, int points,
            List<AlignMethod> methods) {
        if (points < 3 || points % 2 == 0) {
            throw new IllegalArgumentException("--points must be odd and at least 3 (α = 0.5 is the merge), got " + points);
        }
        this.aligner = aligner;
        this.runner = runner;
        this.test = test;
        this.testLimit = testLimit;
        this.points = points;
        this.methods = List.copyOf(methods);
    }

    /**
     * One path per method.
     *
     * @param method {@link #NONE} or an {@link AlignMethod#id()}
     * @param path the scored path
     * @param alignSeconds time to find the alignment (0 for none)
     */
    public record PairResult(int pair, String a, String b, String method, InterpolationPath path, double alignSeconds) {

        /** The merge: the path's midpoint. */
        public double mergedAccuracy() {
            return path.accuracy()[path.alphas().length / 2];
        }

        public double mergedLoss() {
            return path.loss()[path.alphas().length / 2];
        }
    }

    /** Scores one pair's paths and keeps them; {@code progress} gets one line. */
    public List<PairResult> add(Networks.Network a, Networks.Network b, Consumer<String> progress) {
        int pair = results.isEmpty() ? 0 : results.get(results.size() - 1).pair() + 1;
        List<PairResult> added = new ArrayList<>();
        added.add(new PairResult(pair, a.name(), b.name(), NONE,
                InterpolationPath.evaluate(runner, a.weights(), b.weights(), points, test, testLimit), 0));
        for (AlignMethod m : methods) {
            Aligner.Result aligned = aligner.align(a.weights(), b.weights(), m);
            added.add(new PairResult(pair, a.name(), b.name(), m.id(),
                    InterpolationPath.evaluate(runner, a.weights(), aligned.aligned(), points, test, testLimit),
                    aligned.seconds()));
        }
        results.addAll(added);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "pair %d (%s, %s): acc %.4f / %.4f", pair,
                a.name(), b.name(), added.get(0).path().accuracy()[0], added.get(0).path().accuracy()[points - 1]));
        for (PairResult r : added) {
            line.append(String.format(Locale.ROOT, "; %s: loss barrier %.4f, merged acc %.4f", r.method(),
                    r.path().lossBarrier(), r.mergedAccuracy()));
        }
        progress.accept(line.toString());
        return added;
    }

    /** Every pair's results so far. */
    public List<PairResult> results() {
        return List.copyOf(results);
    }

    /**
     * Mean and standard deviation over pairs, per method.
     *
     * @return lines such as {@code weights: loss barrier 0.012 ± 0.004, ...}
     */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        for (String method : methodNames()) {
            List<PairResult> rs = results.stream().filter(r -> r.method().equals(method)).toList();
            double[] lossBarrier = rs.stream().mapToDouble(r -> r.path().lossBarrier()).toArray();
            double[] accBarrier = rs.stream().mapToDouble(r -> r.path().accuracyBarrier()).toArray();
            double[] merged = rs.stream().mapToDouble(PairResult::mergedAccuracy).toArray();
            double[] parents = rs.stream().mapToDouble(r -> (r.path().accuracy()[0] + r.path().accuracy()[points - 1]) / 2).toArray();
            double[] seconds = rs.stream().mapToDouble(PairResult::alignSeconds).toArray();
            lines.add(String.format(Locale.ROOT,
                    "%-11s pairs %d, loss barrier %.4f ± %.4f, accuracy barrier %.4f ± %.4f, merged accuracy %.4f ± %.4f"
                            + " (parents' mean %.4f), alignment %.3f s",
                    method + ":", rs.size(), mean(lossBarrier), std(lossBarrier), mean(accBarrier), std(accBarrier),
                    mean(merged), std(merged), mean(parents), mean(seconds)));
        }
        return lines;
    }

    /** Writes pairs.csv, curves.csv and the two charts into {@code folder}. */
    public void write(Path folder, String title) throws IOException {
        java.nio.file.Files.createDirectories(folder);
        StringBuilder pairs = new StringBuilder("pair,a,b,method,loss_a,loss_b,accuracy_a,accuracy_b,loss_barrier,"
                + "accuracy_barrier,merged_loss,merged_accuracy,align_seconds\n");
        StringBuilder curves = new StringBuilder("pair,method,alpha,loss,accuracy\n");
        for (PairResult r : results) {
            InterpolationPath p = r.path();
            pairs.append(String.format(Locale.ROOT, "%d,%s,%s,%s,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.4f%n", r.pair(),
                    csv(r.a()), csv(r.b()), r.method(), p.loss()[0], p.loss()[points - 1], p.accuracy()[0],
                    p.accuracy()[points - 1], p.lossBarrier(), p.accuracyBarrier(), r.mergedLoss(), r.mergedAccuracy(),
                    r.alignSeconds()));
            for (int i = 0; i < points; i++) {
                curves.append(String.format(Locale.ROOT, "%d,%s,%.4f,%.6f,%.6f%n", r.pair(), r.method(), p.alphas()[i],
                        p.loss()[i], p.accuracy()[i]));
            }
        }
        RunFiles.writeAtomically(folder.resolve("pairs.csv"), pairs.toString());
        RunFiles.writeAtomically(folder.resolve("curves.csv"), curves.toString());
        Map<String, double[]> loss = new LinkedHashMap<>();
        Map<String, double[]> accuracy = new LinkedHashMap<>();
        for (String method : methodNames()) {
            List<PairResult> rs = results.stream().filter(r -> r.method().equals(method)).toList();
            String label = method.equals(NONE) ? "not aligned" : "aligned by " + method;
            loss.put(label, meanCurve(rs, true));
            accuracy.put(label, meanCurve(rs, false));
        }
        double[] alphas = results.get(0).path().alphas();
        String pairsText = results.stream().mapToInt(PairResult::pair).distinct().count() + " pair(s)";
        InterpolationChart.write(folder.resolve("barrier-loss.png"), title + ": test loss, mean of " + pairsText, alphas,
                loss, "test cross-entropy");
        InterpolationChart.write(folder.resolve("barrier-accuracy.png"), title + ": test accuracy, mean of " + pairsText,
                alphas, accuracy, "test accuracy");
    }

    private List<String> methodNames() {
        List<String> names = new ArrayList<>(List.of(NONE));
        methods.forEach(m -> names.add(m.id()));
        return names;
    }

    private double[] meanCurve(List<PairResult> rs, boolean loss) {
        double[] mean = new double[points];
        for (PairResult r : rs) {
            double[] v = loss ? r.path().loss() : r.path().accuracy();
            for (int i = 0; i < points; i++) {
                mean[i] += v[i] / rs.size();
            }
        }
        return mean;
    }

    private static String csv(String cell) {
        return cell.contains(",") || cell.contains("\"") ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
