package dev.orbit.zoo.format;

import dev.orbit.datasets.zoo.CsvRows;
import dev.orbit.zoo.CheckpointMetrics;
import dev.orbit.zoo.CheckpointRecord;
import dev.orbit.zoo.Hyperparameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of {@code metrics.csv} and their text form: RFC 4180 quoting, doubles in Java's
 * shortest round-trip form, non-finite values as NumPy spells them ({@code nan}, {@code inf},
 * {@code -inf}) so pandas and NumPy read them back.
 */
final class MetricsCsv {

    static final List<String> FIXED_COLUMNS = List.of(
            "network_id", "epoch", "shard", "row", "train_accuracy", "train_loss", "test_accuracy", "test_loss",
            "gen_gap", "diverged");
    static final List<String> COLUMNS;

    static {
        List<String> all = new ArrayList<>(FIXED_COLUMNS);
        all.addAll(Arrays.asList(Hyperparameters.COLUMNS));
        COLUMNS = List.copyOf(all);
    }

    private MetricsCsv() {}

    static String header() {
        return String.join(",", COLUMNS) + "\n";
    }

    static String line(CheckpointRecord r, int shard, int shardRow) {
        return line(r.networkId(), r.epoch(), shard, shardRow, r.metrics(), r.hyperparameters());
    }

    /** The line of a committed row, e.g. with metrics measured after it was written. */
    static String line(ZooMetricsRow r) {
        return line(r.networkId(), r.epoch(), r.shard(), r.shardRow(), r.metrics(), r.hyperparameters());
    }

    private static String line(int networkId, int epoch, int shard, int shardRow, CheckpointMetrics m,
            Hyperparameters hyperparameters) {
        List<String> cells = new ArrayList<>(COLUMNS.size());
        cells.add(Integer.toString(networkId));
        cells.add(Integer.toString(epoch));
        cells.add(Integer.toString(shard));
        cells.add(Integer.toString(shardRow));
        cells.add(number(m.trainAccuracy()));
        cells.add(number(m.trainLoss()));
        cells.add(number(m.testAccuracy()));
        cells.add(number(m.testLoss()));
        cells.add(number(m.generalizationGap()));
        cells.add(Boolean.toString(m.diverged()));
        hyperparameters.toColumns().values().forEach(cells::add);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(quote(cells.get(i)));
        }
        return sb.append('\n').toString();
    }

    /** Parses one data line; {@code where} names the file and line in errors. */
    static ZooMetricsRow parse(String line, int row, String where) throws ZooFormatException {
        List<String> cells = split(line, where);
        if (cells.size() != COLUMNS.size()) {
            throw ManifestFields.corrupt(where, "has " + cells.size() + " columns but expected " + COLUMNS.size());
        }
        try {
            CheckpointMetrics m = new CheckpointMetrics(parseNumber(cells.get(4)), parseNumber(cells.get(5)),
                    parseNumber(cells.get(6)), parseNumber(cells.get(7)), parseBoolean(cells.get(9)));
            Map<String, String> hp = new LinkedHashMap<>();
            for (int i = FIXED_COLUMNS.size(); i < COLUMNS.size(); i++) {
                hp.put(COLUMNS.get(i), cells.get(i));
            }
            return new ZooMetricsRow(row, Integer.parseInt(cells.get(0)), Integer.parseInt(cells.get(1)),
                    Integer.parseInt(cells.get(2)), Integer.parseInt(cells.get(3)), m, Hyperparameters.fromColumns(hp));
        } catch (IllegalArgumentException e) {
            throw ManifestFields.corrupt(where, "has an unreadable value (" + e.getMessage() + ")");
        }
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return Double.toString(v);
    }

    static double parseNumber(String s) {
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "nan":
                return Double.NaN;
            case "inf":
            case "infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf":
            case "-infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                return Double.parseDouble(s);
        }
    }

    private static boolean parseBoolean(String s) {
        if (s.equalsIgnoreCase("true") || s.equals("1")) {
            return true;
        }
        if (s.equalsIgnoreCase("false") || s.equals("0")) {
            return false;
        }
        throw new IllegalArgumentException("'" + s + "' is not a boolean");
    }

    static String quote(String cell) {
        return CsvRows.quote(cell);
    }

    /** Splits one CSV line (no embedded newlines) honouring double quotes. */
    static List<String> split(String line, String where) throws ZooFormatException {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw ManifestFields.corrupt(where, "has an unterminated quoted value");
        }
        out.add(cell.toString());
        return out;
    }
}
