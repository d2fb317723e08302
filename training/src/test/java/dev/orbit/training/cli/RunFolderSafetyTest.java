package dev.orbit.training.cli;

import static dev.orbit.training.cli.TrainPredictAccuracyCommandTest.assertOneLine;
import static dev.orbit.training.cli.TrainPredictAccuracyCommandTest.orbit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.orbit.datasets.io.FolderLock;
import dev.orbit.training.OrbitVersion;
import dev.orbit.training.model.RunProvenance;
import dev.orbit.training.predict.TrainedMetanet;
import dev.orbit.training.cli.TrainPredictAccuracyCommandTest.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run folder holds only what its run wrote: a foreign folder is refused untouched, foreign files
 * inside a run survive a rerun, one training at a time, and every damaged or hostile run file
 * (run.json, progress.json, checkpoint .params) is one line naming it, exit code 2.
 */
class RunFolderSafetyTest {

    @TempDir static Path dir;
    static Path zoo;
    static Path run;

    @BeforeAll
    static void trainARun() throws Exception {
        zoo = TrainPredictAccuracyCommandTest.writeStateDictZoo(dir.resolve("zoo"), 24);
        run = dir.resolve("run");
        Run r = train(run, 2);
        assertEquals(0, r.exitCode(), r.err());
    }

    static Run train(Path out, int epochs) {
        return orbit("train", "predict-accuracy", "--zoo", zoo.toString(), "--model", "statnn", "--head-width", "8",
                "--head-depth", "1", "--epochs", Integer.toString(epochs), "--patience", "0", "--out", out.toString());
    }

    /** A copy of the trained run, to damage. */
    static Path copyOfRun(String name) throws IOException {
        Path copy = dir.resolve(name);
        try (Stream<Path> files = Files.walk(run)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(run.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return copy;
    }

    static Path checkpointFile(Path run, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(run.resolve("checkpoint"))) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
        }
    }

    @Test
    void theRunRecordsTheVersionsAndCommitOfItsBuild() throws Exception {
        Properties build = OrbitVersion.properties();
        String commit = OrbitVersion.gitCommit(build);
        JsonObject saved = JsonParser.parseString(Files.readString(run.resolve("model/provenance.json"))).getAsJsonObject();
        assertEquals(build.getProperty("version"), saved.get("orbit_version").getAsString());
        assertEquals(commit, saved.has("git_commit") ? saved.get("git_commit").getAsString() : null);
        try (TrainedMetanet model = TrainedMetanet.load(run)) {
            RunProvenance p = model.provenance();
            assertEquals(commit, p.build().gitCommit());
            assertEquals(build.getProperty("djl"), p.build().djlVersion());
            assertEquals("statnn", p.model().split(" ")[0]);
            assertEquals(0, p.seed());
        }
    }

    @Test
    void aFolderThatIsNotARunIsRefusedAndLeftUntouched() throws Exception {
        Path foreign = dir.resolve("photos");
        Files.createDirectories(foreign.resolve("checkpoint"));
        Files.createDirectories(foreign.resolve("model"));
        Files.writeString(foreign.resolve("checkpoint/thesis.tex"), "years of work");
        Files.writeString(foreign.resolve("model/metanet-0000.params"), "not ours");
        Run r = train(foreign, 1);
        assertEquals(2, r.exitCode(), r.err());
        assertOneLine(r.err(), "is not empty and holds no run.json");
        assertEquals("years of work", Files.readString(foreign.resolve("checkpoint/thesis.tex")));
        assertEquals("not ours", Files.readString(foreign.resolve("model/metanet-0000.params")));
        try (Stream<Path> files = Files.list(foreign)) {
            assertEquals(2, files.count(), "nothing was added");
        }
        // Negative control: an empty existing folder is a fine place for a new run.
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals(0, train(empty, 1).exitCode());
    }

    @Test
    void aRerunKeepsFilesItDidNotWriteInItsCheckpointFolder() throws Exception {
        Path copy = copyOfRun("rerun");
        Path mine = copy.resolve("checkpoint/notes.txt");
        Files.writeString(mine, "keep me");
        Run r = train(copy, 3); // continues after epoch 2 and commits epoch 3
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("resuming after epoch 2"), r.out());
        assertEquals("keep me", Files.readString(mine));
        assertFalse(Files.exists(copy.resolve("checkpoint/model-0002.params")), "the run's own stale files still go");
        try (Stream<Path> files = Files.list(copy.resolve("model"))) {
            assertEquals(1, files.filter(p -> p.toString().endsWith(".params")).count(), "one model parameter file");
        }
    }

    @Test
    void aSecondTrainingIntoALockedFolderIsRefused() throws Exception {
        Path copy = copyOfRun("locked");
        byte[] progress = Files.readAllBytes(copy.resolve("checkpoint/progress.json"));
        try (FolderLock held = FolderLock.tryAcquire(copy, ".orbit-run.lock")) {
            assertTrue(held != null);
            Run r = train(copy, 3);
            assertEquals(2, r.exitCode(), r.err());
            assertOneLine(r.err(), "is in use by another training");
        }
        assertTrue(Arrays.equals(progress, Files.readAllBytes(copy.resolve("checkpoint/progress.json"))));
        assertEquals(0, train(copy, 3).exitCode(), "released: the same command now runs");
    }

    @Test
    void outOrZooNamingAFileIsOneLineSayingSo() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file.txt"), "x");
        Run out = train(file, 1);
        assertEquals(2, out.exitCode(), out.err());
        assertOneLine(out.err(), "a-file.txt is a file, not a run folder");
        Run zooFile = orbit("train", "predict-accuracy", "--zoo", file.toString(), "--out", dir.resolve("z").toString());
        assertEquals(2, zooFile.exitCode(), zooFile.err());
        assertOneLine(zooFile.err(), "a-file.txt is a file, not a zoo folder");
        Run missing = orbit("predict", "--run", dir.resolve("nowhere").toString(), "--weights", file.toString());
        assertEquals(2, missing.exitCode(), missing.err());
        assertOneLine(missing.err(), "nowhere: the run folder does not exist.");
        assertFalse(missing.err().contains("does not exist does not exist"), missing.err());
    }

    @Test
    void progressNamingAFileOutsideTheRunIsRefused() throws Exception {
        Path copy = copyOfRun("escape");
        // A valid parameter file outside the run folder: before the fix it was loaded.
        Files.copy(checkpointFile(copy, "model-"), dir.resolve("outside.params"));
        Path progress = copy.resolve("checkpoint/progress.json");
        String json = Files.readString(progress).replaceAll("\"modelFile\": \"[^\"]+\"",
                "\"modelFile\": \"../../outside.params\"");
        Files.writeString(progress, json);
        Run r = train(copy, 3);
        assertEquals(2, r.exitCode(), r.err());
        assertOneLine(r.err(), "progress.json names '../../outside.params'");
    }

    @Test
    void truncatedOrEmptyRunJsonIsOneLineNamingIt() throws Exception {
        for (String content : new String[] {"", "{\"fingerprint\": \"ab", "null", "[]"}) {
            Path copy = copyOfRun("runjson-" + content.length() + "-" + content.hashCode());
            Files.writeString(copy.resolve("run.json"), content, StandardCharsets.UTF_8);
            Run r = train(copy, 3);
            assertEquals(2, r.exitCode(), content + ": " + r.err());
            assertOneLine(r.err(), "run.json");
        }
    }

    @Test
    void aTruncatedCheckpointIsOneLineNamingIt() throws Exception {
        for (String prefix : new String[] {"model-", "adam-"}) {
            Path copy = copyOfRun("truncated-" + prefix);
            Path file = checkpointFile(copy, prefix);
            byte[] bytes = Files.readAllBytes(file);
            Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
            Run r = train(copy, 3);
            assertEquals(2, r.exitCode(), r.err());
            assertOneLine(r.err(), file.getFileName() + " is " + bytes.length / 2 + " bytes");
        }
    }

    @Test
    void aCheckpointDeclaringHugeArraysIsRefusedBeforeAllocating() throws Exception {
        Path copy = copyOfRun("bomb");
        Path file = checkpointFile(copy, "model-");
        byte[] bytes = Files.readAllBytes(file);
        // Same length, but the first array record claims 2^31 - 1 data bytes.
        int record = indexOf(bytes, new byte[] {0, 4, 'N', 'D', 'A', 'R'});
        int length = bytes.length;
        java.nio.ByteBuffer.wrap(bytes).putInt(record + 6, 3); // keep version 3
        // Walk to the record's byte count: version, name flag (+ name), sparse, dtype, shape, order.
        int pos = record + 10;
        pos += bytes[pos] == 1 ? 1 + 2 + utfLength(bytes, pos + 1) : 1;
        pos += 2 + utfLength(bytes, pos);
        pos += 2 + utfLength(bytes, pos);
        int rank = java.nio.ByteBuffer.wrap(bytes).getInt(pos);
        pos += 4 + 8 * rank;
        pos += 4 + 2 * java.nio.ByteBuffer.wrap(bytes).getInt(pos);
        pos += 1;
        java.nio.ByteBuffer.wrap(bytes).putInt(pos, Integer.MAX_VALUE);
        Files.write(file, bytes);
        assertEquals(length, Files.size(file));
        Run r = train(copy, 3);
        assertEquals(2, r.exitCode(), r.err());
        assertOneLine(r.err(), file.getFileName().toString());
    }

    private static int utfLength(byte[] b, int pos) {
        return ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        for (int i = 0; i <= data.length - pattern.length; i++) {
            if (Arrays.equals(data, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        throw new AssertionError("no array record");
    }
}
