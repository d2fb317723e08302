package dev.orbit.zoo.format;

import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.datasets.io.NpyReader;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.CheckpointMetrics;
import dev.orbit.zoo.CheckpointRecord;
import dev.orbit.zoo.Hyperparameters;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads a folder in the Small CNN Zoo layout (Unterthiner et al. 2020) — the published zoos or an
 * {@link CnnZooExporter} export — and gives each row's weights in Orbit's canonical order
 * (W_0, b_0, W_1, b_1, ... in DJL layouts), converting from TensorFlow's bias-first (h, w, in, out)
 * layout exactly. Rows are read from {@code weights.npy} on demand; the metrics table is read once,
 * column by column.
 */
public final class CnnZooImporter implements AutoCloseable {

    private final Path dir;
    private final CnnZooLayout layout;
    private final NpyReader weights;
    private Map<String, String[]> columns;

    private CnnZooImporter(Path dir, CnnZooLayout layout, NpyReader weights) {
        this.dir = dir;
        this.layout = layout;
        this.weights = weights;
    }

    /**
     * Opens a folder with {@code weights.npy}, {@code layout.csv} and {@code metrics.csv.gz}.
     *
     * @param dir the folder
     * @return an importer; close it
     * @throws ZooFormatException when a file is missing, malformed, or the layout does not match the weights
     * @throws IOException when reading fails
     */
    public static CnnZooImporter open(Path dir) throws IOException {
        CnnZooLayout layout = CnnZooLayout.read(dir.resolve(CnnZooExporter.LAYOUT));
        Path file = dir.resolve(CnnZooExporter.WEIGHTS);
        NpyReader reader;
        try {
            reader = NpyReader.open(file);
        } catch (NoSuchFileException e) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, file + " is missing.", e);
        } catch (MalformedFileException e) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, e.getMessage(), e);
        }
        if (reader.columns() != layout.parameterCount()) {
            reader.close();
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, file + " has " + reader.columns()
                    + " columns but " + dir.resolve(CnnZooExporter.LAYOUT) + " describes " + layout.parameterCount() + ".");
        }
        if (reader.rows() > Integer.MAX_VALUE) {
            reader.close();
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, file + " has more rows than Orbit indexes.");
        }
        return new CnnZooImporter(dir, layout, reader);
    }

    /** @return the layout */
    public CnnZooLayout layout() {
        return layout;
    }

    /** @return rows (checkpoints) */
    public int rows() {
        return (int) weights.rows();
    }

    /** @return parameters per row */
    public int parameterCount() {
        return layout.parameterCount();
    }

    /**
     * The spec of the stored networks, with Small CNN Zoo conventions (stride-2 'valid' convolutions).
     *
     * @param inputShape one example's input, e.g. (1, 28, 28)
     * @param hiddenActivation the activation after hidden layers
     * @return the spec
     */
    public NetworkSpec spec(long[] inputShape, ActivationKind hiddenActivation) {
        return layout.toSpec(inputShape, hiddenActivation);
    }

    /**
     * One row's weights in canonical order.
     *
     * @param row a row in [0, rows)
     * @return the flat canonical weights
     * @throws IOException when reading fails
     */
    public float[] weights(int row) throws IOException {
        return readRows(row, row + 1);
    }

    /**
     * Consecutive rows' weights in canonical order, reading only their bytes.
     *
     * @param from the first row
     * @param to one past the last row
     * @return row-major canonical weights, (to - from) x parameterCount
     * @throws IOException when reading fails
     */
    public float[] readRows(int from, int to) throws IOException {
        if (from < 0 || to < from || to > rows()) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") are outside [0, " + rows() + ") of "
                    + dir.resolve(CnnZooExporter.WEIGHTS));
        }
        int p = parameterCount();
        float[] tf = weights.readRows(from, to - from);
        float[] out = new float[tf.length];
        for (int r = 0; r < to - from; r++) {
            layout.toCanonical(tf, r * p, out, r * p);
        }
        return out;
    }

    /**
     * The metrics table's column names, in file order.
     *
     * @return the names
     * @throws IOException when {@code metrics.csv.gz} is missing or malformed
     */
    public List<String> metricsColumns() throws IOException {
        return new ArrayList<>(table().keySet());
    }

    /**
     * One metrics column as text, one value per row.
     *
     * @param name a column name, e.g. {@code config.activation}
     * @return its values
     * @throws IOException when {@code metrics.csv.gz} is missing or malformed
     * @throws IllegalArgumentException when there is no such column
     */
    public String[] column(String name) throws IOException {
        String[] c = table().get(name);
        if (c == null) {
            throw new IllegalArgumentException(dir.resolve(CnnZooExporter.METRICS) + " has no column '" + name
                    + "'; it has " + table().keySet());
        }
        return c.clone();
    }

    /**
     * One numeric metrics column, e.g. {@code test_accuracy} or {@code step}.
     *
     * @param name a column name
     * @return its values ({@code nan}/{@code inf} and empty cells as NaN)
     * @throws IOException when the file is malformed or a value is not a number
     */
    public double[] numbers(String name) throws IOException {
        String[] c = column(name);
        double[] out = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            try {
                out[i] = c[i].isEmpty() ? Double.NaN : MetricsCsv.parseNumber(c[i]);
            } catch (NumberFormatException e) {
                throw ManifestFields.corrupt(dir.resolve(CnnZooExporter.METRICS) + " line " + (i + 2),
                        "has a non-numeric " + name + " '" + c[i] + "'");
            }
        }
        return out;
    }

    /**
     * One row as an Orbit checkpoint: weights in canonical order, metrics, and the recipe from the
     * {@code config.*} columns. Needs the columns an Orbit export writes.
     *
     * @param row a row
     * @return the checkpoint
     * @throws IOException when reading fails or a needed column is missing or unreadable
     */
    public CheckpointRecord record(int row) throws IOException {
        Map<String, String[]> t = table();
        String where = dir.resolve(CnnZooExporter.METRICS) + " line " + (row + 2);
        try {
            Hyperparameters h = new Hyperparameters(ActivationKind.parse(cell(t, "config.activation", row)),
                    cell(t, "config.w_init", row), num(t, "config.init_std", row), num(t, "config.b_init", row),
                    num(t, "config.dropout", row), num(t, "config.l2reg", row), num(t, "config.learning_rate", row),
                    cell(t, "config.optimizer", row), num(t, "config.train_fraction", row),
                    Integer.parseInt(cell(t, "config.batch_size", row)), Long.parseLong(cell(t, "config.random_seed", row)));
            CheckpointMetrics m = new CheckpointMetrics(num(t, "train_accuracy", row), num(t, "train_loss", row),
                    num(t, "test_accuracy", row), num(t, "test_loss", row),
                    Boolean.parseBoolean(cell(t, "diverged", row)));
            return new CheckpointRecord(Integer.parseInt(cell(t, "network_id", row)),
                    Integer.parseInt(cell(t, t.containsKey("epoch") ? "epoch" : "step", row)), h, weights(row), m);
        } catch (IllegalArgumentException e) {
            throw ManifestFields.corrupt(where, "cannot be read as an Orbit checkpoint (" + e.getMessage() + ")");
        }
    }

    private static String cell(Map<String, String[]> t, String column, int row) {
        String[] c = t.get(column);
        if (c == null) {
            throw new IllegalArgumentException("no column '" + column + "'");
        }
        return c[row];
    }

    private static double num(Map<String, String[]> t, String column, int row) {
        return MetricsCsv.parseNumber(cell(t, column, row));
    }

    private synchronized Map<String, String[]> table() throws IOException {
        if (columns != null) {
            return columns;
        }
        Path file = dir.resolve(CnnZooExporter.METRICS);
        String source = file.toString();
        Map<String, String> interned = new HashMap<>();
        List<String[]> rows = new ArrayList<>();
        List<String> header;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file), 1 << 16), StandardCharsets.UTF_8))) {
            String first = in.readLine();
            if (first == null) {
                throw ManifestFields.corrupt(source, "is empty; expected a header line");
            }
            header = MetricsCsv.split(first, source);
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                List<String> cells = MetricsCsv.split(line, source + " line " + (rows.size() + 2));
                if (cells.size() != header.size()) {
                    throw ManifestFields.corrupt(source + " line " + (rows.size() + 2),
                            "has " + cells.size() + " cells but the header has " + header.size());
                }
                String[] row = new String[cells.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = interned.computeIfAbsent(cells.get(i), s -> s);
                }
                rows.add(row);
            }
        } catch (NoSuchFileException e) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, file + " is missing.", e);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT,
                    file + " is not a complete gzip file (" + e.getMessage() + ").", e);
        }
        if (rows.size() != rows()) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, file + " has " + rows.size()
                    + " rows but " + dir.resolve(CnnZooExporter.WEIGHTS) + " has " + rows() + ".");
        }
        Map<String, String[]> out = new LinkedHashMap<>();
        for (int c = 0; c < header.size(); c++) {
            String[] values = new String[rows.size()];
            for (int r = 0; r < values.length; r++) {
                values[r] = rows.get(r)[c];
            }
            out.put(header.get(c), values);
        }
        columns = out;
        return out;
    }

    @Override
    public void close() throws IOException {
        weights.close();
    }
}
