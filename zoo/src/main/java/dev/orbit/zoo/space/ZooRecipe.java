package dev.orbit.zoo.space;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.train.TrainingOptions;
import dev.orbit.zoo.train.ZooMember;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Everything needed to regenerate a zoo: dataset, architecture, how many members, the seed, the
 * hyperparameter space they are drawn from and the training budget. Named presets are the zoos Orbit
 * documents; {@code orbit zoo generate --recipe <name>} builds them.
 *
 * @param name preset name, e.g. {@code fmnist-2k}
 * @param description one line for help texts and manifests
 * @param dataset a name {@code dev.orbit.datasets.images.ImageDatasets.load} knows
 * @param architecture {@code small-cnn-zoo} or {@code mlp:<w0>-<w1>-...-<wL>}; each member's own
 *     activation replaces the hidden activations
 * @param networks zoo size
 * @param seed zoo seed: member i's recipe is {@code space.sample(i, seed)}
 * @param space the hyperparameter distribution
 * @param training budget and evaluation
 */
public record ZooRecipe(
        String name,
        String description,
        String dataset,
        String architecture,
        int networks,
        long seed,
        HyperparameterSpace space,
        TrainingOptions training) {

    /**
     * 2,000 Small CNN Zoo networks on Fashion-MNIST: pool of the first 5,000 training images, batch
     * 32, 2 epochs (312 steps; a member with train fraction f cycles through its round(5000 f)
     * images), checkpoints at epochs 0, 1 and 2, train metrics on 500 images of each member's subset,
     * test metrics on the first 2,000 test images; groups of at most 64, two at a time.
     */
    public static final String FMNIST_2K = "fmnist-2k";
    /**
     * 200 MLPs 64-32-32-10 on the bundled 8x8 UCI digits (1,347 train / 450 test): batch 32, whole
     * training split as pool, 5 epochs (210 steps), checkpoints at every epoch, metrics on the whole
     * subset and test split; the quickstart zoo.
     */
    public static final String DIGITS_QUICK = "digits-quick";
    /** The name of a recipe that is not a preset ({@link #custom}). */
    public static final String CUSTOM = "custom";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    /** Checks the size and the architecture's form. */
    public ZooRecipe {
        if (networks < 1) {
            throw new IllegalArgumentException("A zoo needs at least one network, got " + networks);
        }
        architectureSpec(architecture); // fails early on a malformed architecture
    }

    /** The preset names, in documentation order. */
    public static List<String> presetNames() {
        return List.of(FMNIST_2K, DIGITS_QUICK);
    }

    /** A named preset; the error lists the known names. */
    public static ZooRecipe preset(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case FMNIST_2K:
                return new ZooRecipe(FMNIST_2K,
                        "2,000 Small CNN Zoo CNNs (4,970 parameters) on Fashion-MNIST, 312 steps each",
                        "fashion-mnist", "small-cnn-zoo", 2000, 20240611L,
                        HyperparameterSpace.smallCnnZoo(32),
                        new TrainingOptions(2, List.of(0, 1, 2), 5000, 500, 2000, 64, 32, 2));
            case DIGITS_QUICK:
                return new ZooRecipe(DIGITS_QUICK,
                        "200 MLPs 64-32-32-10 (3,466 parameters) on the bundled 8x8 digits, 210 steps each",
                        "digits", "mlp:64-32-32-10", 200, 20240611L,
                        HyperparameterSpace.smallCnnZoo(32),
                        new TrainingOptions(5, List.of(0, 1, 2, 3, 4, 5), 0, 0, 0, 64, 64, 2));
            default:
                throw new IllegalArgumentException(
                        "Unknown zoo recipe '" + name + "'; known recipes are " + String.join(", ", presetNames()));
        }
    }

    /**
     * A zoo without a preset: the given dataset, architecture, size and epochs; seed 0, the Small CNN
     * Zoo's hyperparameter space at batch size 32, checkpoints at epochs 0, 1 and the last, whole
     * splits for training and evaluation, groups of 64 one at a time.
     */
    public static ZooRecipe custom(String dataset, String architecture, int networks, int epochs) {
        return new ZooRecipe(CUSTOM, "a zoo without a preset", dataset, architecture, networks, 0L,
                HyperparameterSpace.smallCnnZoo(32),
                new TrainingOptions(epochs, firstAndLast(epochs), 0, 0, 0, 64, 32, 1));
    }

    /** Checkpoints at initialisation, after the first epoch and after the last. */
    private static List<Integer> firstAndLast(int epochs) {
        return new ArrayList<>(new TreeSet<>(List.of(0, 1, epochs)));
    }

    /**
     * Values that replace a recipe's, as the command lines ({@code zoo generate}, {@code zoo speed})
     * and the quickstart give them; null keeps the recipe's value.
     *
     * @param dataset another dataset
     * @param architecture another architecture, in the recipe's form ({@code small-cnn-zoo},
     *     {@code mlp:64-32-10})
     * @param networks another zoo size
     * @param seed another zoo seed
     * @param epochs another training length; without {@code checkpointEpochs} the checkpoints
     *     become epochs 0, 1 and the last
     * @param checkpointEpochs other checkpoint epochs
     * @param batchSize one mini-batch size for every member
     * @param trainPoolSize another training pool (0 = the whole split)
     * @param evalTrainLimit another train-metrics limit (0 = the whole subset)
     * @param evalTestLimit another test-metrics limit (0 = the whole split)
     * @param maxGroupSize another largest group
     * @param parallelGroups another number of groups trained at once
     */
    public record Overrides(String dataset, String architecture, Integer networks, Long seed, Integer epochs,
            List<Integer> checkpointEpochs, Integer batchSize, Integer trainPoolSize, Integer evalTrainLimit,
            Integer evalTestLimit, Integer maxGroupSize, Integer parallelGroups) {

        /** Nothing overridden. */
        public static Overrides none() {
            return new Overrides(null, null, null, null, null, null, null, null, null, null, null, null);
        }
    }

    /** This recipe with the given values replaced (its name stays: the zoo says which preset it started from). */
    public ZooRecipe with(Overrides o) {
        TrainingOptions t = training;
        if (o.epochs() != null) {
            t = new TrainingOptions(o.epochs(), firstAndLast(o.epochs()), t.trainPoolSize(), t.evalTrainLimit(),
                    t.evalTestLimit(), t.maxGroupSize(), t.evalBatchSize(), t.parallelGroups());
        }
        if (o.checkpointEpochs() != null) {
            t = t.withCheckpointEpochs(o.checkpointEpochs());
        }
        if (o.trainPoolSize() != null) {
            t = t.withTrainPoolSize(o.trainPoolSize());
        }
        t = t.withEvaluationLimits(or(o.evalTrainLimit(), t.evalTrainLimit()), or(o.evalTestLimit(), t.evalTestLimit()));
        if (o.maxGroupSize() != null) {
            t = t.withMaxGroupSize(o.maxGroupSize());
        }
        if (o.parallelGroups() != null) {
            t = t.withParallelGroups(o.parallelGroups());
        }
        HyperparameterSpace s = o.batchSize() == null ? space : space.withBatchSizes(List.of(o.batchSize()));
        return new ZooRecipe(name, description, o.dataset() != null ? o.dataset() : dataset,
                o.architecture() != null ? o.architecture() : architecture, or(o.networks(), networks),
                o.seed() != null ? o.seed() : seed, s, t);
    }

    private static int or(Integer given, int fallback) {
        return given != null ? given : fallback;
    }

    /** The architecture with ReLU hidden layers (the trainers substitute each member's activation). */
    public NetworkSpec networkSpec() {
        return architectureSpec(architecture);
    }

    private static NetworkSpec architectureSpec(String architecture) {
        if ("small-cnn-zoo".equals(architecture)) {
            return NetworkSpec.smallCnnZoo(ActivationKind.RELU);
        }
        if (architecture != null && architecture.startsWith("mlp:")) {
            String[] parts = architecture.substring(4).split("-");
            int[] widths = new int[parts.length];
            try {
                for (int i = 0; i < parts.length; i++) {
                    widths[i] = Integer.parseInt(parts[i]);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Malformed MLP architecture '" + architecture
                        + "'; expected widths like mlp:64-32-32-10", e);
            }
            return NetworkSpec.mlp(ActivationKind.RELU, widths);
        }
        throw new IllegalArgumentException("Unknown architecture '" + architecture
                + "'; expected small-cnn-zoo or mlp:<widths>, e.g. mlp:64-32-32-10");
    }

    /** Members 0..networks-1 with their sampled recipes. */
    public List<ZooMember> members() {
        return members(0, networks);
    }

    /** Members {@code from} (inclusive) to {@code to} (exclusive), e.g. those a resumed run still lacks. */
    public List<ZooMember> members(int from, int to) {
        if (from < 0 || to > networks || from > to) {
            throw new IllegalArgumentException("Members " + from + ".." + to + " are outside 0.." + networks);
        }
        List<ZooMember> out = new ArrayList<>();
        for (int id = from; id < to; id++) {
            out.add(new ZooMember(id, space.sample(id, seed)));
        }
        return out;
    }

    /** A copy with another zoo size (the members it keeps are unchanged). */
    public ZooRecipe withNetworks(int count) {
        return new ZooRecipe(name, description, dataset, architecture, count, seed, space, training);
    }

    /** JSON form for zoo manifests. */
    public String toJson() {
        return GSON.toJson(this);
    }

    /** Parses {@link #toJson()}. */
    public static ZooRecipe fromJson(String json) {
        ZooRecipe recipe = GSON.fromJson(json, ZooRecipe.class);
        if (recipe == null) {
            throw new IllegalArgumentException("Empty zoo recipe JSON");
        }
        return recipe;
    }
}
