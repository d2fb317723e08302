package dev.orbit.zoo;

import dev.orbit.metanet.space.ActivationKind;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One zoo member's training recipe, modelled on the Small CNN Zoo (Unterthiner et al. 2020).
 *
 * @param activation hidden activation
 * @param weightInit weight initialiser name (e.g. {@code normal}, {@code truncated_normal}, {@code glorot_normal}, {@code he_normal})
 * @param initStd standard deviation of the normal initialisers
 * @param biasInit constant bias initial value
 * @param dropout dropout rate after hidden layers
 * @param l2 L2 regularisation coefficient
 * @param learningRate learning rate
 * @param optimizer {@code sgd}, {@code adam} or {@code rmsprop}
 * @param trainFraction fraction of the training set the network sees
 * @param batchSize mini-batch size
 * @param seed the network's own seed (initialisation, data subset and order, dropout)
 */
public record Hyperparameters(
        ActivationKind activation,
        String weightInit,
        double initStd,
        double biasInit,
        double dropout,
        double l2,
        double learningRate,
        String optimizer,
        double trainFraction,
        int batchSize,
        long seed) {

    /** Column names, in the order of {@link #toColumns()}. */
    public static final String[] COLUMNS = {
        "activation", "w_init", "init_std", "b_init", "dropout", "l2reg", "learning_rate", "optimizer",
        "train_fraction", "batch_size", "seed"
    };

    /** The hyperparameters as metrics-CSV columns (Small CNN Zoo names where one exists). */
    public Map<String, String> toColumns() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("activation", activation.id());
        m.put("w_init", weightInit);
        m.put("init_std", Double.toString(initStd));
        m.put("b_init", Double.toString(biasInit));
        m.put("dropout", Double.toString(dropout));
        m.put("l2reg", Double.toString(l2));
        m.put("learning_rate", Double.toString(learningRate));
        m.put("optimizer", optimizer);
        m.put("train_fraction", Double.toString(trainFraction));
        m.put("batch_size", Integer.toString(batchSize));
        m.put("seed", Long.toString(seed));
        return m;
    }

    /** Parses {@link #toColumns()}; a missing column is reported by name. */
    public static Hyperparameters fromColumns(Map<String, String> columns) {
        return new Hyperparameters(
                ActivationKind.parse(column(columns, "activation")),
                column(columns, "w_init"),
                Double.parseDouble(column(columns, "init_std")),
                Double.parseDouble(column(columns, "b_init")),
                Double.parseDouble(column(columns, "dropout")),
                Double.parseDouble(column(columns, "l2reg")),
                Double.parseDouble(column(columns, "learning_rate")),
                column(columns, "optimizer"),
                Double.parseDouble(column(columns, "train_fraction")),
                Integer.parseInt(column(columns, "batch_size")),
                Long.parseLong(column(columns, "seed")));
    }

    private static String column(Map<String, String> columns, String name) {
        String value = columns.get(name);
        if (value == null) {
            throw new IllegalArgumentException("Missing hyperparameter column '" + name + "'");
        }
        return value;
    }
}
