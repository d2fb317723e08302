package dev.orbit.zoo.space;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.zoo.Hyperparameters;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The distribution zoo members' training recipes are drawn from, modelled on the Small CNN Zoo
 * (Unterthiner et al. 2020, "Predicting Neural Network Accuracy from Weights"): activation, weight
 * initialiser and its standard deviation, constant bias, dropout, L2, learning rate, optimizer and the
 * fraction of the training pool a member sees.
 *
 * <p>{@link #sample(int, long)} is a pure function of (zoo seed, network id): member 1,000 is the same
 * whether 10 or 10,000 members are drawn, and in whatever order.
 *
 * <p>Batch size is a list of choices, normally one value per zoo: members train together only when
 * they share activation, optimizer and batch size ({@code dev.orbit.zoo.train.BatchedZooTrainer}), so
 * each extra batch size multiplies the number of groups.
 *
 * @param activations hidden activations, drawn uniformly
 * @param weightInits weight initialisers, drawn uniformly: {@code normal}, {@code truncated_normal}
 *     (both with standard deviation {@code initStd}), {@code glorot_normal}, {@code he_normal} (Keras'
 *     truncated variance scaling; {@code initStd} is recorded but unused) and {@code orthogonal} (gain 1)
 * @param initStd standard deviation of the normal initialisers
 * @param biasInit constant initial bias
 * @param dropout dropout rate after every hidden layer
 * @param l2 L2 coefficient λ on weights (not biases): the loss gains λ·Σw², as Keras' {@code l2(λ)}
 * @param learningRate learning rate
 * @param optimizers {@code sgd}, {@code adam}, {@code rmsprop}, drawn uniformly
 * @param trainFraction fraction of the training pool the member sees
 * @param batchSizes mini-batch sizes, drawn uniformly (normally a single value)
 */
public record HyperparameterSpace(
        List<ActivationKind> activations,
        List<String> weightInits,
        Range initStd,
        Range biasInit,
        Range dropout,
        Range l2,
        Range learningRate,
        List<String> optimizers,
        Range trainFraction,
        List<Integer> batchSizes) {

    /** The weight initialisers the trainers implement. */
    public static final List<String> KNOWN_WEIGHT_INITS =
            List.of("normal", "truncated_normal", "glorot_normal", "he_normal", "orthogonal");
    /** The optimizers the trainers implement. */
    public static final List<String> KNOWN_OPTIMIZERS = List.of("sgd", "adam", "rmsprop");

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();
    private static final long SEED_STREAM = 0x5EEDL;

    /** Checks every choice and range. */
    public HyperparameterSpace {
        activations = List.copyOf(activations);
        weightInits = List.copyOf(weightInits);
        optimizers = List.copyOf(optimizers);
        batchSizes = List.copyOf(batchSizes);
        if (activations.isEmpty() || weightInits.isEmpty() || optimizers.isEmpty() || batchSizes.isEmpty()) {
            throw new IllegalArgumentException("Every categorical hyperparameter needs at least one choice");
        }
        for (String init : weightInits) {
            if (!KNOWN_WEIGHT_INITS.contains(init)) {
                throw new IllegalArgumentException(
                        "Unknown weight initialiser '" + init + "'; expected one of " + KNOWN_WEIGHT_INITS);
            }
        }
        for (String optimizer : optimizers) {
            if (!KNOWN_OPTIMIZERS.contains(optimizer)) {
                throw new IllegalArgumentException(
                        "Unknown optimizer '" + optimizer + "'; expected one of " + KNOWN_OPTIMIZERS);
            }
        }
        for (int batch : batchSizes) {
            if (batch <= 0) {
                throw new IllegalArgumentException("Batch sizes must be positive, got " + batch);
            }
        }
        check(initStd, "initStd", 0, Double.MAX_VALUE);
        check(biasInit, "biasInit", -Double.MAX_VALUE, Double.MAX_VALUE);
        check(dropout, "dropout", 0, 0.95);
        check(l2, "l2", 0, Double.MAX_VALUE);
        check(learningRate, "learningRate", 0, Double.MAX_VALUE);
        check(trainFraction, "trainFraction", 0, 1);
    }

    private static void check(Range range, String name, double lowest, double highest) {
        if (range == null) {
            throw new IllegalArgumentException("Missing range for " + name);
        }
        if (range.min() < lowest || range.max() > highest || (range.log() && range.min() <= 0)) {
            throw new IllegalArgumentException(
                    name + " range " + range + " must lie within [" + lowest + ", " + highest + "]"
                            + (range.log() ? " and be positive for log-uniform sampling" : ""));
        }
    }

    /**
     * The Small CNN Zoo space with ranges chosen to spread accuracies from chance to the best a
     * small budget reaches: relu/tanh; all five initialisers with std log-uniform in [1e-3, 0.5]; bias
     * uniform in [-0.1, 0.1]; dropout uniform in [0, 0.5]; L2 log-uniform in [1e-8, 1e-2]; learning
     * rate log-uniform in [5e-4, 5e-2]; sgd/adam/rmsprop; train fraction uniform in [0.1, 1]; one batch
     * size.
     */
    public static HyperparameterSpace smallCnnZoo(int batchSize) {
        return new HyperparameterSpace(
                List.of(ActivationKind.RELU, ActivationKind.TANH),
                KNOWN_WEIGHT_INITS,
                Range.logUniform(1e-3, 0.5),
                Range.uniform(-0.1, 0.1),
                Range.uniform(0.0, 0.5),
                Range.logUniform(1e-8, 1e-2),
                Range.logUniform(5e-4, 5e-2),
                KNOWN_OPTIMIZERS,
                Range.uniform(0.1, 1.0),
                List.of(batchSize));
    }

    /** A copy drawing batch sizes from {@code sizes} instead. */
    public HyperparameterSpace withBatchSizes(List<Integer> sizes) {
        return new HyperparameterSpace(activations, weightInits, initStd, biasInit, dropout, l2, learningRate,
                optimizers, trainFraction, sizes);
    }

    /**
     * Member {@code networkId}'s recipe: a pure function of ({@code zooSeed}, {@code networkId}).
     * The member's own seed (initialisation, data subset and order, dropout masks) is derived the same way.
     */
    public Hyperparameters sample(int networkId, long zooSeed) {
        if (networkId < 0) {
            throw new IllegalArgumentException("Network ids are 0-based, got " + networkId);
        }
        SplittableRandom random = new SplittableRandom(Seeds.mix(zooSeed, networkId));
        // A fixed draw order: adding a hyperparameter later must append, not insert.
        ActivationKind activation = pick(activations, random);
        String weightInit = pick(weightInits, random);
        double std = initStd.sample(random);
        double bias = biasInit.sample(random);
        double drop = dropout.sample(random);
        double lambda = l2.sample(random);
        double lr = learningRate.sample(random);
        String optimizer = pick(optimizers, random);
        double fraction = trainFraction.sample(random);
        int batch = pick(batchSizes, random);
        long seed = Seeds.mix(Seeds.mix(zooSeed, SEED_STREAM), networkId);
        return new Hyperparameters(activation, weightInit, std, bias, drop, lambda, lr, optimizer, fraction, batch, seed);
    }

    private static <T> T pick(List<T> choices, SplittableRandom random) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** JSON description for zoo manifests. */
    public String toJson() {
        return GSON.toJson(this);
    }

    /** Parses {@link #toJson()}; a malformed description is reported in one sentence. */
    public static HyperparameterSpace fromJson(String json) {
        try {
            HyperparameterSpace space = GSON.fromJson(json, HyperparameterSpace.class);
            if (space == null) {
                throw new IllegalArgumentException("Empty hyperparameter space JSON");
            }
            // Gson bypasses the canonical constructor; run its checks.
            return new HyperparameterSpace(space.activations, space.weightInits, space.initStd, space.biasInit,
                    space.dropout, space.l2, space.learningRate, space.optimizers, space.trainFraction,
                    space.batchSizes);
        } catch (JsonParseException | NullPointerException e) {
            throw new IllegalArgumentException("Not a hyperparameter space JSON: " + e.getMessage(), e);
        }
    }

    /**
     * A continuous range, sampled uniformly or log-uniformly.
     *
     * @param min lower end
     * @param max upper end (equal to {@code min} for a constant)
     * @param log sample log-uniformly
     */
    public record Range(double min, double max, boolean log) {

        /** Checks the ends. */
        public Range {
            if (!(min <= max) || Double.isInfinite(min) || Double.isInfinite(max)) {
                throw new IllegalArgumentException("A range needs finite min <= max, got [" + min + ", " + max + "]");
            }
        }

        /** Uniform on [min, max). */
        public static Range uniform(double min, double max) {
            return new Range(min, max, false);
        }

        /** Log-uniform on [min, max), both positive. */
        public static Range logUniform(double min, double max) {
            return new Range(min, max, true);
        }

        /** A single value. */
        public static Range constant(double value) {
            return new Range(value, value, false);
        }

        double sample(SplittableRandom random) {
            double u = random.nextDouble();
            if (min == max) {
                return min;
            }
            return log ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min))) : min + u * (max - min);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s[%g, %g]", log ? "log-uniform" : "uniform", min, max);
        }
    }
}
