package dev.orbit.training.cli;

import static dev.orbit.training.cli.TrainPredictAccuracyCommandTest.assertOneLine;
import static dev.orbit.training.cli.TrainPredictAccuracyCommandTest.orbit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orbit.datasets.io.Npz;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.training.cli.TrainPredictAccuracyCommandTest.Run;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code orbit predict} never prints a non-finite number as a prediction and never lets a weights
 * file's header decide an allocation: NaN, infinite or overflowing weights and hostile DJL
 * {@code .params} headers are one line naming the file, exit code 2.
 */
class PredictHostileInputTest {

    private static final NetworkSpec SPEC = NetworkSpec.mlp(ActivationKind.RELU, 4, 8, 1);

    @TempDir static Path dir;
    static Path run;

    @BeforeAll
    static void trainARun() throws Exception {
        Path zoo = TrainPredictAccuracyCommandTest.writeStateDictZoo(dir.resolve("zoo"), 24);
        run = dir.resolve("run");
        Run r = orbit("train", "predict-accuracy", "--zoo", zoo.toString(), "--model", "nfn-hnp", "--hidden-channels",
                "4", "--head-width", "16", "--head-depth", "1", "--epochs", "1", "--out", run.toString());
        assertEquals(0, r.exitCode(), r.err());
    }

    private static Path weights(String name, float fill, int at, float special) throws IOException {
        float[] flat = new float[(int) SPEC.parameterCount()];
        Arrays.fill(flat, fill);
        flat[at] = special;
        Path file = dir.resolve(name);
        Npz.write(file, TrainPredictAccuracyCommandTest.stateDict(SPEC, flat));
        return file;
    }

    private static Run predict(Path weights) {
        return orbit("predict", "--run", run.toString(), "--weights", weights.toString());
    }

    @Test
    void nonFiniteWeightsAreRefusedNamingTheTensor() throws Exception {
        // Index 45 lies in the second layer's weight (layer 0 holds 8x4 + 8 = 40 values), element 5.
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            Run r = predict(weights("bad-" + bad + ".npz", 0.1f, 45, bad));
            assertEquals(2, r.exitCode(), r.err());
            assertOneLine(r.err(), "tensor fc1.weight holds " + (double) bad + " at element 5");
        }
        Run ok = predict(weights("ok.npz", 0.1f, 45, 0.2f)); // negative control
        assertEquals(0, ok.exitCode(), ok.err());
        Double.parseDouble(ok.out().strip());
    }

    @Test
    void weightsNearFloatMaxNeverPrintANonFinitePrediction() throws Exception {
        Run r = predict(weights("huge.npz", 3e38f, 0, -3e38f));
        if (r.exitCode() == 0) {
            double printed = Double.parseDouble(r.out().strip());
            assertEquals(true, Double.isFinite(printed), r.out());
        } else {
            assertEquals(2, r.exitCode(), r.err());
            assertOneLine(r.err(), "huge.npz: the prediction is");
        }
    }

    @Test
    void djlParamsHeadersClaimingHugeArraysAreRefusedBeforeAllocating() throws Exception {
        // 26 bytes: a record whose shape claims 2^28 dimensions (DJL allocates a long per dimension).
        ByteArrayOutputStream rank = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(rank)) {
            out.writeUTF("NDAR");
            out.writeInt(3);
            out.writeByte(0);
            out.writeUTF("");
            out.writeUTF("FLOAT32");
            out.writeInt(1 << 28);
        }
        // 59 bytes: a record declaring 1e9 floats and a 2 GB byte count with no data behind it.
        ByteArrayOutputStream length = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(length)) {
            out.writeUTF("NDAR");
            out.writeInt(3);
            out.writeByte(0);
            out.writeUTF("DENSE");
            out.writeUTF("FLOAT32");
            out.writeInt(1);
            out.writeLong(1_000_000_000L);
            out.writeInt(0);
            out.writeByte('<');
            out.writeInt(Integer.MAX_VALUE);
            out.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        }
        for (byte[] bomb : new byte[][] {rank.toByteArray(), length.toByteArray()}) {
            Path file = Files.write(dir.resolve("bomb-" + bomb.length + ".params"), bomb);
            Run r = predict(file);
            assertEquals(2, r.exitCode(), r.err());
            assertOneLine(r.err(), file.toString() + " declares");
        }
        Path big = Files.write(dir.resolve("big.params"), new byte[2 << 20]);
        Run r = predict(big);
        assertEquals(2, r.exitCode(), r.err());
        assertOneLine(r.err(), "big.params is " + (2 << 20) + " bytes");
    }
}
