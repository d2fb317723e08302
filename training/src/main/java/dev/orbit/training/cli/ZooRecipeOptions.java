package dev.orbit.training.cli;

import dev.orbit.datasets.images.ImageDatasets;
import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.zoo.format.ZooWriter;
import dev.orbit.zoo.space.ZooRecipe;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The options that say which zoo to generate: a recipe preset, or a custom zoo, the options given
 * replacing the recipe's ({@link ZooRecipe#with}). A picocli mixin, so every command that generates a
 * zoo ({@code orbit zoo generate}, and {@code orbit-spark zoo generate} in the {@code spark} module)
 * reads the same options the same way.
 */
public final class ZooRecipeOptions {

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "fashion-mnist, mnist or digits (required unless --recipe gives it).")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the dataset's files are (default: searched).")
    Path dataDir;

    @Option(names = "--arch", paramLabel = "ARCH",
            description = "cnn-zoo (Small CNN Zoo CNN) or mlp:W1,...,K, e.g. mlp:64,32,10 (required unless --recipe).")
    String arch;

    @Option(names = "--networks", paramLabel = "N", description = "Networks in the zoo (required unless --recipe).")
    Integer networks;

    @Option(names = "--epochs", paramLabel = "E", description = "Epochs each network trains (required unless --recipe).")
    Integer epochs;

    @Option(names = "--checkpoints", paramLabel = "LIST", split = ",",
            description = "Epochs at which to save a checkpoint (default: the recipe's, else 0,1,E).")
    List<Integer> checkpoints;

    @Option(names = "--seed", paramLabel = "S", description = "Zoo seed (default: the recipe's, else 0).")
    Long seed;

    @Option(names = "--recipe", paramLabel = "NAME",
            description = "A recipe preset (${COMPLETION-CANDIDATES}); other options override its values.",
            completionCandidates = RecipeNames.class)
    String recipe;

    @Option(names = "--batch-size", paramLabel = "B", description = "Mini-batch size (default: the recipe's, else 32).")
    Integer batchSize;

    @Option(names = "--train-pool", paramLabel = "N",
            description = "Train on the first N training images, 0 = all (default: the recipe's, else 0).")
    Integer trainPool;

    @Option(names = "--eval-train", paramLabel = "N",
            description = "Train metrics on N images of each member's subset, 0 = all (default: the recipe's, else 0).")
    Integer evalTrain;

    @Option(names = "--eval-test", paramLabel = "N",
            description = "Test metrics on the first N test images, 0 = all (default: the recipe's, else 0).")
    Integer evalTest;

    @Option(names = "--group-size", paramLabel = "M", description = "Networks trained at once (default: the recipe's, else 64).")
    Integer groupSize;

    @Option(names = "--parallel-groups", paramLabel = "G",
            description = "Groups trained at once on separate threads (default: the recipe's, else 1).")
    Integer parallelGroups;

    /** The recipe presets, for the help text. */
    static final class RecipeNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ZooRecipe.presetNames().iterator();
        }
    }

    /**
     * A recipe with its dataset loaded.
     *
     * @param recipe the recipe, overrides applied
     * @param data its dataset
     * @param dataDir the folder the dataset was read from as given (null: searched, or bundled)
     */
    public record Resolved(ZooRecipe recipe, ImageSplit data, Path dataDir) {}

    /**
     * Checks the options, loads the dataset and builds the recipe.
     *
     * @throws IllegalArgumentException for a missing or bad option, or a zoo too large to plan
     */
    public Resolved resolve() throws java.io.IOException {
        ZooRecipe preset = recipe == null ? null : ZooRecipe.preset(recipe);
        if (preset == null) {
            required(dataset, "--dataset");
            required(networks, "--networks");
            required(epochs, "--epochs");
        }
        if ((networks != null && networks < 1) || (epochs != null && epochs < 1)) {
            throw ZooSubcommand.userError("--networks and --epochs must be at least 1");
        }
        String datasetName = dataset != null ? dataset : preset.dataset();
        if (dataDir != null && ImageDatasets.DIGITS.equals(datasetName.toLowerCase(Locale.ROOT))) {
            // Refused, not ignored: a user naming a folder expects its files to be used.
            throw ZooSubcommand.userError("--data-dir does not apply to digits, which is bundled with Orbit; leave it out");
        }
        // before loading data or planning members: a zoo too large to plan is refused at once
        ZooWriter.requirePlannable(networks != null ? networks : preset.networks(), checkpoints != null ? checkpoints.size() : 1);
        ImageSplit data = ImageDatasets.load(datasetName, dataDir);
        String architecture = arch == null ? null
                : ZooArchitecture.parse(arch, 1, data.train().height(), data.train().width());
        ZooRecipe base = preset != null ? preset
                : ZooRecipe.custom(dataset, required(architecture, "--arch"), networks, epochs);
        ZooRecipe zoo = base.with(new ZooRecipe.Overrides(dataset, architecture, networks, seed, epochs, checkpoints,
                batchSize, trainPool, evalTrain, evalTest, groupSize, parallelGroups));
        ZooWriter.requirePlannable(zoo.networks(), zoo.training().checkpointEpochs().size());
        return new Resolved(zoo, data, dataDir);
    }

    private static <T> T required(T given, String option) {
        if (given == null) {
            throw ZooSubcommand.userError(option + " is required unless --recipe gives it");
        }
        return given;
    }
}
