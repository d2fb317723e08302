package dev.orbit.datasets.zoo.cnnzoo;

import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.datasets.io.NpyReader;
import dev.orbit.datasets.zoo.CsvRows;
import dev.orbit.datasets.zoo.FolderZooSource;
import dev.orbit.datasets.zoo.ZooSplit;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The one reader of the Small CNN Zoo folder format (Unterthiner et al. 2020), for the published
 * zoos and Orbit's exports alike: {@code weights.npy} (checkpoint rows x parameters, TensorFlow
 * order), {@code layout.csv} ({@link CnnZooLayout}) and {@code metrics.csv.gz} (one row per
 * checkpoint: step, accuracies, losses, and the hyperparameters as {@code config.*} columns).
 *
 * <p>The source holds the checkpoints of one training step (by default the last), one row per
 * network, in file order. Rows are read from {@code weights.npy} one at a time with positional
 * reads and converted to canonical order on load; the weights file is never loaded whole. Metrics
 * of the kept rows are held in memory.
 *
 * <p>A row's hyperparameters are exactly its {@code config.*} columns (named without the prefix):
 * other columns, such as an export's {@code network_id}, {@code epoch} or {@code gen_gap}, are
 * per-network values, and counting them would put every network in a group of its own.
 */
public final class SmallCnnZooSource extends FolderZooSource {

    /** The file names of the format. */
    public static final String WEIGHTS = "weights.npy";
    /** The layout file. */
    public static final String LAYOUT = "layout.csv";
    /** The gzipped metrics table. */
    public static final String METRICS = "metrics.csv.gz";
    /** The prefix of the metrics columns that hold hyperparameters. */
    public static final String CONFIG_PREFIX = "config.";

    private final CnnZooLayout layout;
    private final NpyReader reader;
    private final int step;
    private final int[] fileRows;
    private final double[] testAccuracy;
    private final double[] trainAccuracy; // null when the file has no train_accuracy column

    private SmallCnnZooSource(Path folder, NetworkSpec spec, CnnZooLayout layout, NpyReader reader, Metrics m) {
        super(folder, spec, m.hyperparameters, m.groups, m.activations);
        this.layout = layout;
        this.reader = reader;
        this.step = m.step;
        this.fileRows = m.fileRows;
        this.testAccuracy = m.testAccuracy;
        this.trainAccuracy = m.trainAccuracy;
    }

    /** Whether a folder looks like this format: it holds {@code weights.npy}. */
    public static boolean isFolder(Path folder) {
        return Files.isRegularFile(folder.resolve(WEIGHTS));
    }

    /** Opens a Small CNN Zoo folder with the defaults (last step, 28x28 inputs, stride 2, no padding). */
    public static SmallCnnZooSource open(Path folder) throws IOException {
        return builder().setFolder(folder).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public float[] weights(int row) throws IOException {
        return layout.toCanonical(reader.readRow(fileRows[checkRow(row)]));
    }

    @Override
    public List<String> targetNames() {
        return trainAccuracy == null ? List.of(TEST_ACCURACY) : List.of(TEST_ACCURACY, GEN_GAP);
    }

    @Override
    public double target(int row, String name) {
        checkRow(row);
        if (TEST_ACCURACY.equals(name)) {
            return testAccuracy[row];
        }
        if (GEN_GAP.equals(name) && trainAccuracy != null) {
            return trainAccuracy[row] - testAccuracy[row];
        }
        throw new IllegalArgumentException("The zoo at " + folder() + " has no target '" + name + "'; it provides "
                + String.join(", ", targetNames()));
    }

    /** The training step whose checkpoints this source holds. */
    public int step() {
        return step;
    }

    /** The row of {@code weights.npy} and {@code metrics.csv.gz} that holds network {@code row}. */
    public int fileRow(int row) {
        return fileRows[checkRow(row)];
    }

    /** File rows of every network, in source order (for NFN's split convention). */
    public int[] fileRows() {
        return fileRows.clone();
    }

    /** NFN's split of this zoo from its split file (one file row index per line, no header): {@link ZooSplit#nfn}. */
    public ZooSplit nfnSplit(Path splitCsv) throws IOException {
        return ZooSplit.nfn(ZooSplit.readOrder(splitCsv), fileRows);
    }

    /** Rows in {@code weights.npy}, all steps included. */
    public long fileRowCount() {
        return reader.rows();
    }

    @Override
    public String describe() {
        return "Small CNN Zoo at " + folder() + " (step " + step + ", " + size() + " networks, " + spec().describe() + ")";
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private static ActivationKind mostCommon(ActivationKind[] kinds, ActivationKind fallback) {
        Map<ActivationKind, Integer> counts = new HashMap<>();
        ActivationKind best = fallback;
        int bestCount = 0;
        for (ActivationKind k : kinds) {
            int c = counts.merge(k, 1, Integer::sum);
            if (c > bestCount) {
                best = k;
                bestCount = c;
            }
        }
        return best;
    }

    /** The metrics of the kept rows. */
    private record Metrics(int step, int[] fileRows, double[] testAccuracy, double[] trainAccuracy,
            List<Map<String, String>> hyperparameters, String[] groups, ActivationKind[] activations) {}

    private static Metrics readMetrics(Path file, Integer wantedStep, long weightRows, ActivationKind fallback)
            throws IOException {
        int step;
        if (wantedStep == null) {
            TreeSet<Integer> steps = steps(file, weightRows);
            if (steps.isEmpty()) {
                throw new MalformedFileException(file + " has no rows; expected one row per checkpoint.");
            }
            step = steps.last();
        } else {
            step = wantedStep;
        }
        List<Integer> rows = new ArrayList<>();
        List<Double> test = new ArrayList<>();
        List<Double> train = new ArrayList<>();
        List<Map<String, String>> hyper = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        List<ActivationKind> acts = new ArrayList<>();
        Map<String, String> interned = new HashMap<>();
        long total = 0;
        try (CsvRows csv = CsvRows.open(file)) {
            String[] header = csv.header();
            int stepCol = requireColumn(csv, "step");
            int testCol = requireColumn(csv, TEST_ACCURACY);
            int trainCol = csv.column("train_accuracy");
            List<Integer> hyperCols = new ArrayList<>();
            for (int i = 0; i < header.length; i++) {
                if (header[i].startsWith(CONFIG_PREFIX)) {
                    hyperCols.add(i);
                }
            }
            for (String[] row = csv.next(); row != null; row = csv.next(), total++) {
                requireWithin(total, weightRows, csv);
                if (parseStep(row[stepCol], csv) != step) {
                    continue;
                }
                rows.add(Math.toIntExact(total));
                test.add(parseDouble(row[testCol], csv, TEST_ACCURACY));
                if (trainCol >= 0) {
                    train.add(parseDouble(row[trainCol], csv, "train_accuracy"));
                }
                Map<String, String> h = new LinkedHashMap<>();
                StringBuilder group = new StringBuilder();
                ActivationKind act = fallback;
                for (int c : hyperCols) {
                    String name = header[c].substring(CONFIG_PREFIX.length());
                    String value = interned.computeIfAbsent(row[c], v -> v);
                    h.put(interned.computeIfAbsent(name, v -> v), value);
                    if (!name.toLowerCase(Locale.ROOT).contains("seed")) {
                        group.append(name).append('=').append(value).append(';');
                    }
                    if (name.equals("activation")) {
                        act = ActivationKind.parse(value);
                    }
                }
                hyper.add(Collections.unmodifiableMap(h));
                groups.add(interned.computeIfAbsent(group.toString(), v -> v));
                acts.add(act);
            }
        }
        if (total != weightRows) {
            throw new MalformedFileException(file + " has " + total + " rows but weights.npy has " + weightRows
                    + "; expected one metrics row per weights row.");
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file + " has no checkpoint at step " + step + "; it has steps "
                    + steps(file, weightRows));
        }
        return new Metrics(step, rows.stream().mapToInt(Integer::intValue).toArray(),
                test.stream().mapToDouble(Double::doubleValue).toArray(),
                train.isEmpty() ? null : train.stream().mapToDouble(Double::doubleValue).toArray(),
                List.copyOf(hyper), groups.toArray(new String[0]), acts.toArray(new ActivationKind[0]));
    }

    private static TreeSet<Integer> steps(Path file, long weightRows) throws IOException {
        TreeSet<Integer> steps = new TreeSet<>();
        try (CsvRows csv = CsvRows.open(file)) {
            int stepCol = requireColumn(csv, "step");
            long total = 0;
            for (String[] row = csv.next(); row != null; row = csv.next(), total++) {
                requireWithin(total, weightRows, csv);
                steps.add(parseStep(row[stepCol], csv));
            }
        }
        return steps;
    }

    /** Stops at the first row past the weights file's, so a hostile metrics file cannot fill the heap with rows. */
    private static void requireWithin(long row, long weightRows, CsvRows csv) throws MalformedFileException {
        if (row >= weightRows) {
            throw new MalformedFileException(csv.file() + " has more rows than the " + weightRows + " of " + WEIGHTS
                    + "; expected one metrics row per weights row.");
        }
    }

    private static int requireColumn(CsvRows csv, String name) throws MalformedFileException {
        int i = csv.column(name);
        if (i < 0) {
            throw new MalformedFileException(csv.file() + " has no '" + name + "' column; a Small CNN Zoo metrics file"
                    + " has step, test_accuracy, train_accuracy and the config.* hyperparameters.");
        }
        return i;
    }

    private static int parseStep(String s, CsvRows csv) throws MalformedFileException {
        try {
            return (int) Math.round(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            throw new MalformedFileException(csv.file() + " line " + csv.line() + " has step '" + s + "', not a number.");
        }
    }

    private static double parseDouble(String s, CsvRows csv, String column) throws MalformedFileException {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new MalformedFileException(csv.file() + " line " + csv.line() + " has " + column + " '" + s
                    + "', not a number.");
        }
    }

    /**
     * Builds a {@link SmallCnnZooSource}: {@code setFolder} is required (the folder holding weights.npy,
     * layout.csv and metrics.csv.gz). Convolution stride and padding, not in layout.csv, default to 2 and
     * 0 ('valid'); the input shape defaults to (in, image size, image size) for a CNN, (in) for an MLP.
     */
    public static final class Builder extends FolderZooSource.Builder<Builder> {
        private Integer step;
        private int imageSize = 28;

        private Builder() {
            super(2);
        }

        /** Optional: the training step whose checkpoints to keep; default the last step in the file. */
        public Builder optStep(int step) {
            this.step = step;
            return this;
        }

        /** Optional: square input size of the zoo's CNN; default 28 (MNIST); 32 for CIFAR-10-GS and SVHN-GS. */
        public Builder optImageSize(int imageSize) {
            this.imageSize = imageSize;
            return this;
        }

        /**
         * Opens the zoo: validates the three files against each other and reads the metrics of the
         * chosen step.
         */
        public SmallCnnZooSource build() throws IOException {
            checkFolder("SmallCnnZooSource");
            for (String name : List.of(WEIGHTS, LAYOUT, METRICS)) {
                if (!Files.isRegularFile(folder.resolve(name))) {
                    throw new IllegalArgumentException(folder + " is not a Small CNN Zoo folder: " + name
                            + " is missing (expected " + WEIGHTS + ", " + LAYOUT + ", " + METRICS + ").");
                }
            }
            // The weights header is checked against the file's size first, so the layout is validated
            // against columns that really exist before anything of a row's size is allocated.
            NpyReader reader = NpyReader.open(folder.resolve(WEIGHTS));
            try {
                CnnZooLayout layout = CnnZooLayout.read(folder.resolve(LAYOUT), reader.columns());
                Metrics metrics = readMetrics(folder.resolve(METRICS), step, reader.rows(), activation);
                return new SmallCnnZooSource(folder, resolveSpec(layout, metrics), layout, reader, metrics);
            } catch (IOException | RuntimeException e) {
                reader.close();
                throw e;
            }
        }

        /** The zoo's architecture: the layout with the most common activation and this builder's input and convolution. */
        private NetworkSpec resolveSpec(CnnZooLayout layout, Metrics m) {
            ActivationKind common = mostCommon(m.activations, activation);
            long[] shape = inputShape != null ? inputShape
                    : layout.isConvolutional() ? new long[] {layout.inputChannels(), imageSize, imageSize}
                    : new long[] {layout.inputChannels()};
            return layout.spec(common, shape, convStride, convPadding);
        }

        @Override
        protected Builder self() {
            return this;
        }
    }
}
