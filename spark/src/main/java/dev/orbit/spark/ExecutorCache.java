package dev.orbit.spark;

import dev.orbit.datasets.images.ImageDatasets;
import dev.orbit.datasets.zoo.ModelZooSource;
import dev.orbit.training.cli.OrbitCommand;
import dev.orbit.training.predict.TrainedMetanet;
import dev.orbit.zoo.ZooSources;
import dev.orbit.zoo.space.ZooRecipe;
import dev.orbit.zoo.train.BatchedZooTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an executor JVM loads once and shares between its tasks: the zoo trainer of a recipe (its
 * dataset on the engine) and trained metanets. Tasks of one executor run on several threads; the
 * trainer trains concurrent groups as {@code orbit zoo generate --parallel-groups} does, and a loaded
 * metanet only runs inference. Entries live as long as the executor.
 */
final class ExecutorCache {

    private static final Map<String, BatchedZooTrainer> TRAINERS = new ConcurrentHashMap<>();
    private static final Map<Path, TrainedMetanet> METANETS = new ConcurrentHashMap<>();
    private static final Map<String, ModelZooSource> SOURCES = new ConcurrentHashMap<>();

    static {
        // Before the engine starts, on every executor: one libtorch thread per task slot (Spark runs one
        // task per core), DJL offline with the bundled libtorch. Explicit settings win.
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        OrbitCommand.configureJvm();
    }

    private ExecutorCache() {}

    /** The trainer of a recipe on its dataset (from {@code dataDir}, or searched when null). */
    static BatchedZooTrainer trainer(ZooRecipe recipe, Path dataDir) {
        return TRAINERS.computeIfAbsent(recipe.toJson() + "\n" + dataDir, key -> {
            try {
                return new BatchedZooTrainer(recipe.networkSpec(), ImageDatasets.load(recipe.dataset(), dataDir),
                        recipe.training());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The trained metanet of a run folder, loaded once per executor. */
    static TrainedMetanet metanet(Path run) {
        return METANETS.computeIfAbsent(run.toAbsolutePath().normalize(), key -> {
            try {
                return TrainedMetanet.load(key);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
    /**
     * A zoo folder opened as {@code orbit predict --zoo} opens it, at one checkpoint epoch (-1: the
     * format's default checkpoint), once per executor; its reads are positional, so tasks share it.
     */
    static ModelZooSource source(Path zoo, ZooSources.Format format, int epoch, int imageSize) {
        String key = zoo.toAbsolutePath().normalize() + "\n" + format.id() + "\n" + epoch + "\n" + imageSize;
        return SOURCES.computeIfAbsent(key, k -> {
            try {
                return ZooSources.open(zoo, format, epoch < 0 ? null : epoch, imageSize);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
