package dev.orbit.training.cli;

import static dev.orbit.training.cli.TrainPredictAccuracyCommandTest.assertOneLine;
import static dev.orbit.training.cli.TrainPredictAccuracyCommandTest.orbit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.orbit.datasets.io.Npz;
import dev.orbit.datasets.zoo.statedict.StateDictFolderSource;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.testing.TestNetworks;
import dev.orbit.training.cli.TrainPredictAccuracyCommandTest.Run;
import dev.orbit.training.predict.TrainedMetanet;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code orbit predict} scores one checkpoint, in any supported file type, and rejects other architectures clearly. */
class PredictCommandTest {

    @TempDir static Path dir;
    static Path zoo;
    static Path run;

    @BeforeAll
    static void trainARun() throws Exception {
        zoo = TrainPredictAccuracyCommandTest.writeStateDictZoo(dir.resolve("zoo"), 40);
        run = dir.resolve("run");
        Run r = orbit("train", "predict-accuracy", "--zoo", zoo.toString(), "--model", "nfn-hnp", "--hidden-channels", "4",
                "--head-width", "16", "--head-depth", "1", "--epochs", "2", "--batch-size", "8", "--out", run.toString());
        assertEquals(0, r.exitCode(), r.err());
    }

    @Test
    void printsThePredictionOfTheSavedModelForNpzAndDjlParams() throws Exception {
        Path npz = zoo.resolve("net-007.npz");
        Run r = orbit("predict", "--run", run.toString(), "--weights", npz.toString());
        assertEquals(0, r.exitCode(), r.err());
        double printed = Double.parseDouble(r.out().strip());
        float[] weights;
        try (StateDictFolderSource source = StateDictFolderSource.open(zoo); TrainedMetanet m = TrainedMetanet.load(run)) {
            weights = source.weights(7);
            assertEquals(m.predict(weights), printed, 1e-5);
        }
        // The same network as a DJL .params file of the zoo's architecture gives the same prediction.
        NetworkSpec spec = NetworkSpec.mlp(ActivationKind.RELU, 4, 8, 1);
        Path params = dir.resolve("net-007.params");
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = TestNetworks.initialisedBlock(manager, spec, 0.1f, 1);
            WeightSpaceFeatures.fromFlat(spec, manager.create(weights, new Shape(1, weights.length))).copyToBlock(spec, block, 0);
            try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(params))) {
                block.saveParameters(out);
            }
        }
        Run fromParams = orbit("predict", "--run", run.toString(), "--weights", params.toString());
        assertEquals(0, fromParams.exitCode(), fromParams.err());
        assertEquals(printed, Double.parseDouble(fromParams.out().strip()), 1e-5);
    }

    @Test
    void anotherArchitectureIsAOneLineErrorNamingTheLayerAndShapes() throws Exception {
        NetworkSpec wide = NetworkSpec.mlp(ActivationKind.RELU, 4, 16, 1);
        Path npz = dir.resolve("wide.npz");
        Npz.write(npz, TrainPredictAccuracyCommandTest.stateDict(wide, new float[(int) wide.parameterCount()]));
        Run r = orbit("predict", "--run", run.toString(), "--weights", npz.toString());
        assertEquals(2, r.exitCode());
        assertOneLine(r.err(), "wide.npz: layer 0 weight has shape (16,4), the run's spec expects (8,4)");

        NetworkSpec deep = NetworkSpec.mlp(ActivationKind.RELU, 4, 8, 8, 1);
        Path params = dir.resolve("deep.params");
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = TestNetworks.initialisedBlock(manager, deep, 0.1f, 1);
            try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(params))) {
                block.saveParameters(out);
            }
        }
        Run p = orbit("predict", "--run", run.toString(), "--weights", params.toString());
        assertEquals(2, p.exitCode());
        assertOneLine(p.err(), "deep.params holds 3 layers (6 tensors), the run's spec expects 2 layers");

        // Negative control: the zoo's own architecture is accepted by the same path.
        assertEquals(0, orbit("predict", "--run", run.toString(), "--weights", zoo.resolve("net-000.npz").toString())
                .exitCode());
    }

    @Test
    void scoresZooRowsDirectlyAsTheWeightsFilesWouldBe() throws Exception {
        Run r = orbit("predict", "--run", run.toString(), "--zoo", zoo.toString(), "--rows", "7,0-2");
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().strip().split("\\R");
        assertEquals("row\tpredicted_test_accuracy\ttest_accuracy", lines[0]);
        assertEquals(5, lines.length);
        try (StateDictFolderSource source = StateDictFolderSource.open(zoo)) {
            int[] rows = {7, 0, 1, 2};
            for (int i = 0; i < rows.length; i++) {
                String[] cells = lines[i + 1].split("\t");
                assertEquals(rows[i], Integer.parseInt(cells[0]));
                // The number scoring the row's own file with --weights gives: both printed to 6 decimals
                // (5e-7 each) from a float32 forward pass whose sums a batch of 4 orders differently
                // (a few ulps of 1.2e-7 on values of order 1).
                Run file = orbit("predict", "--run", run.toString(), "--weights",
                        zoo.resolve(String.format("net-%03d.npz", rows[i])).toString());
                assertEquals(Double.parseDouble(file.out().strip()), Double.parseDouble(cells[1]), 5e-6, "row " + rows[i]);
                assertEquals(source.target(rows[i], "test_accuracy"), Double.parseDouble(cells[2]), 1e-6);
            }
        }
        // Every row by default.
        Run all = orbit("predict", "--run", run.toString(), "--zoo", zoo.toString());
        assertEquals(0, all.exitCode(), all.err());
        assertEquals(1 + 40, all.out().strip().split("\\R").length);
    }

    @Test
    void badRowsAndMixedInputsAreOneLineErrors() {
        Run outside = orbit("predict", "--run", run.toString(), "--zoo", zoo.toString(), "--rows", "3,40");
        assertEquals(2, outside.exitCode());
        assertOneLine(outside.err(), "--rows: 40 is outside rows 0-39 of");
        Run garbled = orbit("predict", "--run", run.toString(), "--zoo", zoo.toString(), "--rows", "3-x");
        assertEquals(2, garbled.exitCode());
        assertOneLine(garbled.err(), "--rows: '3-x' is not a row or a range a-b.");
        Run both = orbit("predict", "--run", run.toString(), "--zoo", zoo.toString(), "--weights",
                zoo.resolve("net-000.npz").toString());
        assertEquals(2, both.exitCode());
        assertOneLine(both.err(), "Give either --weights FILE... or --zoo DIR");
        assertTrue(outside.out().isEmpty() && garbled.out().isEmpty() && both.out().isEmpty());
    }

    @Test
    void aFolderWithoutAModelIsReported() {
        Run r = orbit("predict", "--run", zoo.toString(), "--weights", zoo.resolve("net-000.npz").toString());
        assertEquals(2, r.exitCode());
        assertOneLine(r.err(), "holds no trained model");
        assertTrue(r.out().isEmpty());
    }
}
