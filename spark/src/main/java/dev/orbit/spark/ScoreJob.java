package dev.orbit.spark;

import dev.orbit.datasets.zoo.CsvRows;
import dev.orbit.datasets.zoo.ModelZooSource;
import dev.orbit.training.model.RunFiles;
import dev.orbit.training.predict.TrainedMetanet;
import dev.orbit.training.predict.ZooPredictions;
import dev.orbit.zoo.OrbitZooSource;
import dev.orbit.zoo.ZooSources;
import dev.orbit.zoo.format.ZooReader;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

/**
 * Scores every checkpoint of one or many zoos with a trained run, as a Spark job: the driver cuts each
 * zoo checkpoint epoch (the rows {@code orbit predict --zoo} scores at the final epoch) into slices of
 * whole prediction batches; each task scores its slice with the executor's one loaded metanet
 * ({@link ExecutorCache}) through {@link ZooPredictions}, the code behind {@code orbit predict}, so
 * the numbers are the same. The driver writes one CSV (atomically) with, per checkpoint, the zoo
 * folder, epoch, source row (as {@code orbit predict --rows} counts), zoo row, network id, the
 * prediction and, when the zoo records it, the true target. Zoos in other formats ({@code cnn-zoo},
 * state-dict folders) are scored at the checkpoint {@code orbit predict} reads; their epoch, zoo row
 * and network id cells are empty.
 */
final class ScoreJob {

    /**
     * What a run scored.
     *
     * @param checkpoints checkpoints scored
     * @param tasks Spark tasks
     * @param seconds wall time of the Spark job (plan excluded)
     */
    record Result(int checkpoints, int tasks, double seconds) {}

    /** One task's rows: {@code [from, to)} of one zoo checkpoint epoch. */
    record Slice(String zoo, String format, int epoch, int from, int to) implements Serializable {}

    private ScoreJob() {}

    /**
     * Scores the zoos into {@code outCsv}.
     *
     * @param batchesPerTask prediction batches ({@link ZooPredictions#BATCH} networks) per task
     */
    static Result run(JavaSparkContext spark, Path run, List<Path> zoos, Path outCsv, int batchesPerTask)
            throws IOException {
        if (batchesPerTask < 1) {
            throw new IllegalArgumentException("--batches-per-task must be at least 1, got " + batchesPerTask);
        }
        TrainedMetanet metanet = ExecutorCache.metanet(run); // checks the run before any task starts
        int imageSize = imageSize(metanet);
        List<Slice> slices = new ArrayList<>();
        int rowsPerTask = batchesPerTask * ZooPredictions.BATCH; // slices start on batch boundaries: same batches as orbit predict
        for (Path zoo : zoos) {
            ZooSources.Format format = ZooSources.detect(zoo);
            for (int epoch : epochs(zoo, format)) {
                int size = ExecutorCache.source(zoo, format, epoch, imageSize).size();
                for (int from = 0; from < size; from += rowsPerTask) {
                    slices.add(new Slice(zoo.toAbsolutePath().toString(), format.id(), epoch, from,
                            Math.min(size, from + rowsPerTask)));
                }
            }
        }
        long start = System.nanoTime();
        List<List<String>> lines = spark.parallelize(slices, Math.max(1, slices.size()))
                .map(new SliceTask(run.toAbsolutePath().toString(), imageSize)).collect();
        double seconds = (System.nanoTime() - start) / 1e9;
        String target = metanet.target();
        StringBuilder csv = new StringBuilder("zoo,epoch,row,zoo_row,network_id,predicted_" + target + "," + target + "\n");
        int checkpoints = 0;
        for (List<String> slice : lines) {
            for (String line : slice) {
                csv.append(line);
                checkpoints++;
            }
        }
        RunFiles.writeAtomically(outCsv, csv.toString());
        return new Result(checkpoints, slices.size(), seconds);
    }

    /** The checkpoint epochs to score: every one of an Orbit zoo; -1 (the default checkpoint) otherwise. */
    private static List<Integer> epochs(Path zoo, ZooSources.Format format) throws IOException {
        if (format != ZooSources.Format.ORBIT) {
            return List.of(-1);
        }
        try (ZooReader reader = ZooReader.open(zoo)) {
            return reader.description().checkpointEpochs();
        }
    }

    /** A cnn-zoo folder's spec needs its image size, which the run's spec gives (as orbit predict reads it). */
    static int imageSize(TrainedMetanet metanet) {
        long[] input = metanet.spec().inputShape();
        return input.length == 3 ? (int) input[1] : 28;
    }

    /** Scores one slice on an executor: CSV lines without the header. */
    private static final class SliceTask implements Function<Slice, List<String>> {
        private static final long serialVersionUID = 1L;
        private final String run;
        private final int imageSize;

        SliceTask(String run, int imageSize) {
            this.run = run;
            this.imageSize = imageSize;
        }

        @Override
        public List<String> call(Slice slice) throws IOException {
            TrainedMetanet metanet = ExecutorCache.metanet(Path.of(run));
            ModelZooSource source = ExecutorCache.source(Path.of(slice.zoo()), ZooSources.Format.parse(slice.format()),
                    slice.epoch(), imageSize);
            int[] rows = IntStream.range(slice.from(), slice.to()).toArray();
            double[] predicted = ZooPredictions.predict(metanet, source, rows);
            String target = metanet.target();
            boolean known = source.targetNames().contains(target);
            OrbitZooSource orbit = source instanceof OrbitZooSource o ? o : null;
            List<String> out = new ArrayList<>(rows.length);
            for (int i = 0; i < rows.length; i++) {
                int row = rows[i];
                out.add(CsvRows.quote(slice.zoo()) + "," + (orbit == null ? "" : orbit.epoch()) + "," + row + ","
                        + (orbit == null ? "" : orbit.zooRow(row)) + "," + (orbit == null ? "" : orbit.networkId(row)) + ","
                        + predicted[i] + "," + (known ? Double.toString(source.target(row, target)) : "") + "\n");
            }
            return out;
        }
    }
}
