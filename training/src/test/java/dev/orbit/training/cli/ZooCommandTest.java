package dev.orbit.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.datasets.zoo.cnnzoo.SmallCnnZooSource;
import dev.orbit.zoo.format.ZooReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code orbit zoo generate | info | verify | export} end to end, and their one-line user errors. */
class ZooCommandTest {

    @TempDir
    static Path tmp;

    private static Path zoo;

    @BeforeAll
    static void generateTinyZoo() {
        zoo = tmp.resolve("zoo");
        Run run = Run.orbit(Run.tinyZoo(zoo.toString(), 6));
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("6 networks, 18 checkpoints"), run.out());
        assertTrue(run.err().contains("6/6 networks 100.0%"), "progress bar: " + run.err());
        assertTrue(run.err().contains("ETA"), run.err());
    }

    private static void assertUserError(Run run, String... fragments) {
        assertEquals(2, run.code(), run.out() + run.err());
        String err = run.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        for (String f : fragments) {
            assertTrue(err.contains(f), "'" + f + "' in: " + err);
        }
    }

    @Test
    void speedTimesTheBatchedTrainerAgainstBothOneAtATimeLoopsOnTheSameMembers() {
        Run run = Run.orbit("zoo", "speed", "--recipe", "digits-quick", "--networks", "4", "--single", "2",
                "--djl-trainer", "2", "--epochs", "1", "--train-pool", "256");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("batched:          4 networks"), run.out());
        assertTrue(run.out().contains("one at a time:    2 networks"), run.out());
        assertTrue(run.out().contains("DJL Trainer:      2 networks"), run.out());
        assertTrue(run.out().contains("speed-up over the DJL Trainer loop:"), run.out());
        assertTrue(run.out().contains("final test accuracy over 4 networks"), run.out());
        assertUserError(Run.orbit("zoo", "speed", "--djl-trainer", "-1"), "--djl-trainer");
    }

    @Test
    void generateWritesAVerifiedZooThatInfoDescribes() throws Exception {
        try (ZooReader reader = ZooReader.open(zoo)) {
            assertEquals(18, reader.rows());
            assertEquals("digits", reader.description().dataset());
            assertTrue(reader.verify().ok());
        }
        Run info = Run.orbit("zoo", "info", zoo.toString());
        assertEquals(0, info.code(), info.err());
        for (String line : new String[] {"architecture  dense(64->8) relu, dense(8->10) (610 parameters)",
            "dataset       digits, seed 7", "networks      6 of 6 complete, 3 checkpoints each", "test accuracy at epoch 2: min",
            "diverged      0 networks", "libtorch 2.7.1"}) {
            assertTrue(info.out().contains(line), line + " in:\n" + info.out());
        }
    }

    @Test
    void rerunningTheSameCommandAddsNothing() throws Exception {
        Map<String, String> before = snapshot(zoo.resolve("shards"));
        Run again = Run.orbit(Run.tinyZoo(zoo.toString(), 6));
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("6 of 6 networks already complete"), again.err());
        assertEquals(before, snapshot(zoo.resolve("shards")));
    }

    @Test
    void verifyPassesAndThenReportsEachFaultOfACorruptedCopy() throws Exception {
        Run ok = Run.orbit("zoo", "verify", zoo.toString());
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().startsWith("OK "), ok.out());

        Path copy = copyZoo(tmp.resolve("corrupt"));
        Path shard = copy.resolve("shards/shard-00000.safetensors");
        try (FileChannel c = FileChannel.open(shard, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            c.write(ByteBuffer.wrap(new byte[] {0x7f, 0x7f, 0x7f, 0x7f}), c.size() - 40);
        }
        Run bad = Run.orbit("zoo", "verify", copy.toString());
        assertEquals(1, bad.code(), bad.out() + bad.err());
        String[] faults = bad.out().strip().split("\n");
        assertTrue(faults.length >= 1);
        for (String f : faults) {
            assertTrue(f.startsWith("FAULT ") && f.contains("shard-00000.safetensors"), f);
        }
        assertFalse(bad.err().contains("\tat "), bad.err());

        Files.writeString(copy.resolve("manifest.json"),
                Files.readString(copy.resolve("manifest.json")).replace("\"format_version\": " + dev.orbit.zoo.format.ZooFormat.VERSION,
                        "\"format_version\": 9"));
        Run newer = Run.orbit("zoo", "verify", copy.toString());
        assertEquals(1, newer.code());
        assertTrue(newer.out().contains("format version 9"), newer.out());
    }

    @Test
    void exportWritesTheSmallCnnZooLayoutThatImportsExactly() throws Exception {
        Path out = tmp.resolve("export");
        Run run = Run.orbit("zoo", "export", "--format", "cnn-zoo", zoo.toString(), out.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("Exported 18 checkpoints x 610 parameters"), run.out());
        try (ZooReader reader = ZooReader.open(zoo)) {
            for (int step = 0; step < 3; step++) {
                try (SmallCnnZooSource imported = SmallCnnZooSource.builder().setFolder(out).optStep(step).build()) {
                    assertEquals(6, imported.size());
                    for (int i = 0; i < imported.size(); i++) {
                        int row = imported.fileRow(i);
                        assertTrue(Arrays.equals(reader.weights(row), imported.weights(i)), "row " + row);
                    }
                }
            }
        }
        assertUserError(Run.orbit("zoo", "export", "--format", "cnn-zoo", zoo.toString(), out.toString()),
                "not empty");
        assertUserError(Run.orbit("zoo", "export", "--format", "onnx", zoo.toString(), tmp.resolve("x").toString()),
                "--format onnx is not supported");
    }

    @Test
    void userErrorsAreOneLineWithExitCodeTwo() throws Exception {
        String fresh = tmp.resolve("fresh").toString();
        assertUserError(Run.orbit("zoo", "generate", "--dataset", "cifar-100", "--arch", "mlp:8,10",
                "--networks", "2", "--epochs", "1", "--out", fresh), "Unknown dataset 'cifar-100'");
        assertUserError(Run.orbit("zoo", "generate", "--dataset", "digits", "--arch", "resnet",
                "--networks", "2", "--epochs", "1", "--out", fresh), "--arch resnet");
        assertUserError(Run.orbit("zoo", "generate", "--dataset", "digits", "--arch", "cnn-zoo",
                "--networks", "2", "--epochs", "1", "--out", fresh), "15x15");
        assertUserError(Run.orbit("zoo", "generate", "--dataset", "digits", "--arch", "mlp:8,10",
                "--networks", "2", "--epochs", "1", "--checkpoints", "0,5", "--out", fresh), "[0, 1]");
        assertUserError(Run.orbit("zoo", "generate", "--arch", "mlp:8,10", "--networks", "2", "--epochs", "1",
                "--out", fresh), "--dataset is required unless --recipe gives it");
        assertUserError(Run.orbit("zoo", "generate", "--recipe", "imagenet-1m", "--out", fresh),
                "Unknown zoo recipe 'imagenet-1m'", "digits-quick");
        assertFalse(Files.exists(Path.of(fresh)), "a refused generate creates nothing");
        assertUserError(Run.orbit("zoo", "info", tmp.resolve("missing").toString()), "is not a folder");
        assertUserError(Run.orbit("zoo", "verify", tmp.resolve("missing").toString()), "is not a folder");
        assertUserError(Run.orbit("zoo", "info", tmp.toString()), "has no manifest.json");

        // A folder holding another zoo is refused untouched.
        Map<String, String> before = snapshot(zoo);
        String[] otherSeed = Run.tinyZoo(zoo.toString(), 6);
        otherSeed[Arrays.asList(otherSeed).indexOf("--seed") + 1] = "8";
        assertUserError(Run.orbit(otherSeed), "different zoo", "seed 8 (the folder holds 7)");
        assertEquals(before, snapshot(zoo));
    }

    @Test
    void recipePresetGivesTheDefaultsThatOptionsOverride() throws Exception {
        Path dir = tmp.resolve("recipe");
        Run run = Run.orbit("zoo", "generate", "--recipe", "digits-quick", "--networks", "3", "--epochs", "1",
                "--train-pool", "96", "--eval-train", "32", "--eval-test", "64", "--out", dir.toString());
        assertEquals(0, run.code(), run.err());
        try (ZooReader reader = ZooReader.open(dir)) {
            assertEquals("digits-quick", reader.description().recipe());
            assertEquals("digits", reader.description().dataset());
            assertEquals(20240611L, reader.description().seed(), "the recipe's seed");
            assertEquals(3466, reader.spec().parameterCount(), "the recipe's 64-32-32-10 MLP");
            assertEquals(java.util.List.of(0, 1), reader.description().checkpointEpochs());
            assertEquals(6, reader.rows());
        }
    }

    @Test
    void parseErrorsExitWithTwo() {
        Run run = Run.orbit("zoo", "generate", "--dataset", "digits");
        assertEquals(2, run.code());
        assertTrue(run.err().startsWith("orbit zoo generate: Missing required option: '--out=DIR'"), run.err());
    }

    private static Path copyZoo(Path target) throws Exception {
        try (Stream<Path> files = Files.walk(zoo)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path t = target.resolve(zoo.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return target;
    }

    static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    out.put(root.relativize(p).toString(), Arrays.hashCode(Files.readAllBytes(p)) + "@"
                            + Files.getLastModifiedTime(p).toMillis());
                }
            }
        }
        return out;
    }

    /**
     * Test support: runs {@code orbit ...} in this JVM and captures its exit code, stdout and stderr.
     *
     * @param code the exit code
     * @param out what went to stdout
     * @param err what went to stderr
     */
    static record Run(int code, String out, String err) {

        static Run orbit(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = OrbitCommand.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute(args);
            return new Run(code, out.toString(), err.toString());
        }

        /** Arguments of a tiny, fast MLP zoo on the bundled digits (seconds to train). */
        static String[] tinyZoo(String out, int networks, String... extra) {
            String[] base = {"zoo", "generate", "--dataset", "digits", "--arch", "mlp:8,10", "--networks",
                Integer.toString(networks), "--epochs", "2", "--checkpoints", "0,1,2", "--seed", "7", "--out", out,
                "--group-size", "4", "--train-pool", "160", "--eval-train", "32", "--eval-test", "64"};
            String[] all = new String[base.length + extra.length];
            System.arraycopy(base, 0, all, 0, base.length);
            System.arraycopy(extra, 0, all, base.length, extra.length);
            return all;
        }
    }
}
