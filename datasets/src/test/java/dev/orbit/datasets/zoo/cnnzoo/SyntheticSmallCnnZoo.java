package dev.orbit.datasets.zoo.cnnzoo;

import dev.orbit.datasets.io.NpyWriter;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a synthetic zoo in the Small CNN Zoo folder format (weights.npy in TensorFlow order,
 * layout.csv with bias-before-kernel rows, metrics.csv.gz), seeded, for tests. Rows are
 * network-major: network i's checkpoint at step index s is file row {@code i * steps + s}.
 */
public final class SyntheticSmallCnnZoo {

    final NetworkSpec spec;
    final int networks;
    final int[] steps;
    final long seed;

    public SyntheticSmallCnnZoo(NetworkSpec spec, int networks, int[] steps, long seed) {
        this.spec = spec;
        this.networks = networks;
        this.steps = steps.clone();
        this.seed = seed;
    }

    /** The Small CNN Zoo architecture (4,970 parameters). */
    public static SyntheticSmallCnnZoo smallCnn(int networks, int[] steps, long seed) {
        return new SyntheticSmallCnnZoo(NetworkSpec.smallCnnZoo(ActivationKind.RELU), networks, steps, seed);
    }

    /** Hidden activation of network i: relu for even, tanh for odd (the real zoo mixes both). */
    public ActivationKind activation(int network) {
        return network % 2 == 0 ? ActivationKind.RELU : ActivationKind.TANH;
    }

    /** Canonical weights of network i at step index s. */
    public float[] canonical(int network, int stepIndex) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + network * 101L + stepIndex);
        float[] w = new float[(int) spec.parameterCount()];
        double scale = 0.2 + 0.1 * (network % 7);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (scale * gaussian(random));
        }
        return w;
    }

    double testAccuracy(int network, int stepIndex) {
        return 0.1 + 0.8 * ((network * 37 + stepIndex * 11) % 100) / 100.0;
    }

    double trainAccuracy(int network, int stepIndex) {
        return testAccuracy(network, stepIndex) + 0.01 * (network % 5);
    }

    int fileRow(int network, int stepIndex) {
        return network * steps.length + stepIndex;
    }

    /** Writes the three files into {@code folder}. */
    public Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        CnnZooLayout layout = writeLayout(folder.resolve("layout.csv"));
        try (NpyWriter out = NpyWriter.create(folder.resolve("weights.npy"), layout.columns())) {
            float[] row = new float[layout.columns()];
            for (int i = 0; i < networks; i++) {
                for (int s = 0; s < steps.length; s++) {
                    layout.toFileOrder(canonical(i, s), row);
                    out.appendRow(row);
                }
            }
        }
        try (Writer w = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(folder.resolve("metrics.csv.gz"))),
                StandardCharsets.UTF_8)) {
            w.write(",modeldir,step,test_accuracy,test_loss,train_accuracy,train_loss,config.activation,"
                    + "config.learning_rate,config.dropout,config.random_seed\n");
            for (int i = 0; i < networks; i++) {
                for (int s = 0; s < steps.length; s++) {
                    w.write(String.format(Locale.ROOT, "%d,run/%d,%d,%.6f,1.0,%.6f,0.5,%s,%s,%s,%d\n", fileRow(i, s), i,
                            steps[s], testAccuracy(i, s), trainAccuracy(i, s), activation(i).id(),
                            i % 3 == 0 ? "0.01" : "0.001", i % 2 == 0 ? "0.0" : "0.2", i));
                }
            }
        }
        return folder;
    }

    /** layout.csv with TensorFlow names, each bias before its kernel. */
    private CnnZooLayout writeLayout(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("varname,start_idx,end_idx,size,shape\n");
        int pos = 0;
        int conv = 0;
        int dense = 0;
        for (LayerSpec l : spec.layers()) {
            String name;
            String kernelShape;
            if (l.kernelHeight() > 1 || l.kind() == dev.orbit.metanet.space.LayerKind.CONV2D) {
                name = "sequential/conv2d" + (conv == 0 ? "" : "_" + conv);
                conv++;
                kernelShape = "(" + l.kernelHeight() + ", " + l.kernelWidth() + ", " + l.inNeurons() + ", " + l.outNeurons() + ")";
            } else {
                name = "sequential/dense" + (dense == 0 ? "" : "_" + dense);
                dense++;
                kernelShape = "(" + l.inNeurons() + ", " + l.outNeurons() + ")";
            }
            sb.append(name).append("/bias:0,").append(pos).append(',').append(pos + l.outNeurons()).append(',')
                    .append(l.outNeurons()).append(",\"(").append(l.outNeurons()).append(",)\"\n");
            pos += l.outNeurons();
            long k = l.weightCount();
            sb.append(name).append("/kernel:0,").append(pos).append(',').append(pos + k).append(',').append(k)
                    .append(",\"").append(kernelShape).append("\"\n");
            pos += (int) k;
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        return CnnZooLayout.read(file, pos);
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
    }
}
