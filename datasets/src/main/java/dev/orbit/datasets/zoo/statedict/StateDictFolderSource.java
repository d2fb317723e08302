package dev.orbit.datasets.zoo.statedict;

import ai.djl.ndarray.types.Shape;
import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.datasets.zoo.CsvRows;
import dev.orbit.datasets.zoo.FolderZooSource;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A zoo stored as one state dict per network ({@code .safetensors} or {@code .npz}) in a folder,
 * with a labels CSV {@code file,test_accuracy[,train_accuracy][,gen_gap][,group][,hyperparameters...]}.
 *
 * <p>Parameter names are mapped to the spec in layer order by {@link StateDictLayout}. The spec is
 * given or inferred from the first file (dense layers from 2-D weights, square convolutions from
 * 4-D ones). Each network's file is read when asked for, so only labels are held in memory.
 */
public final class StateDictFolderSource extends FolderZooSource {

    private static final Set<String> TARGET_COLUMNS = Set.of(TEST_ACCURACY, "train_accuracy", GEN_GAP);

    private final List<Path> files;
    private final Map<String, double[]> targets;

    private StateDictFolderSource(Path folder, NetworkSpec spec, List<Path> files, Map<String, double[]> targets,
            List<Map<String, String>> hyperparameters, String[] groups, ActivationKind[] activations) {
        super(folder, spec, hyperparameters, groups, activations);
        this.files = files;
        this.targets = targets;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The labels file of a state-dict zoo. */
    public static final String LABELS = "labels.csv";

    /** Whether a folder looks like this format: it holds {@code labels.csv}. */
    public static boolean isFolder(Path folder) {
        return Files.isRegularFile(folder.resolve(LABELS));
    }

    /** Opens a folder whose labels are in {@code labels.csv}, inferring the spec from its first file. */
    public static StateDictFolderSource open(Path folder) throws IOException {
        return builder().setFolder(folder).build();
    }

    @Override
    public float[] weights(int row) throws IOException {
        Path file = files.get(checkRow(row));
        return StateDictLayout.toCanonical(StateDictFile.read(file, spec().parameterCount()), spec(), file.toString(), "the zoo's spec");
    }

    /** The state dict file of network {@code row}. */
    public Path file(int row) {
        return files.get(checkRow(row));
    }

    @Override
    public List<String> targetNames() {
        return List.copyOf(targets.keySet());
    }

    @Override
    public double target(int row, String name) {
        double[] values = targets.get(name);
        if (values == null) {
            throw new IllegalArgumentException("The zoo at " + folder() + " has no target '" + name + "'; its labels provide "
                    + String.join(", ", targets.keySet()));
        }
        return values[checkRow(row)];
    }

    @Override
    public String describe() {
        return "state-dict folder " + folder() + " (" + size() + " networks, " + spec().describe() + ")";
    }

    @Override
    public void close() {}

    /**
     * Builds a {@link StateDictFolderSource}: {@code setFolder} is required (the folder of state dict
     * files). For an inferred spec the input shape defaults to (in) for MLPs, (in, 28, 28) for CNNs,
     * and convolution stride and padding to 1 and 0.
     */
    public static final class Builder extends FolderZooSource.Builder<Builder> {
        private Path labels;
        private NetworkSpec spec;

        private Builder() {
            super(1);
        }

        /** Optional: the labels CSV; default {@code labels.csv} in the folder. */
        public Builder optLabels(Path labels) {
            this.labels = labels;
            return this;
        }

        /** Optional: the architecture; default inferred from the first file. */
        public Builder optSpec(NetworkSpec spec) {
            this.spec = spec;
            return this;
        }

        /** Reads the labels, checks every file exists, and fixes the spec. */
        public StateDictFolderSource build() throws IOException {
            checkFolder("StateDictFolderSource");
            Path labelFile = labels != null ? labels : folder.resolve(LABELS);
            if (!Files.isRegularFile(labelFile)) {
                throw new IllegalArgumentException(folder + " is not a state-dict zoo: its labels file " + labelFile
                        + " is missing (expected a CSV file,test_accuracy,...).");
            }
            List<Path> files = new ArrayList<>();
            Map<String, List<Double>> values = new LinkedHashMap<>();
            List<Map<String, String>> hyper = new ArrayList<>();
            List<String> groups = new ArrayList<>();
            List<ActivationKind> acts = new ArrayList<>();
            try (CsvRows csv = CsvRows.open(labelFile)) {
                String[] header = csv.header();
                int fileCol = csv.column("file");
                if (fileCol < 0) {
                    throw new IllegalArgumentException(labelFile + " has no 'file' column; expected file,test_accuracy,...");
                }
                int groupCol = csv.column("group");
                for (String name : header) {
                    if (TARGET_COLUMNS.contains(name)) {
                        values.put(name, new ArrayList<>());
                    }
                }
                if (values.isEmpty()) {
                    throw new IllegalArgumentException(labelFile + " has no target column; expected test_accuracy"
                            + " (and optionally train_accuracy or gen_gap).");
                }
                for (String[] row = csv.next(); row != null; row = csv.next()) {
                    Path file = insideFolder(row[fileCol], labelFile, csv.line());
                    if (!Files.isRegularFile(file)) {
                        throw new NoSuchFileException(file.toString(), null, labelFile + " line " + csv.line()
                                + " names a weights file that does not exist");
                    }
                    if (!StateDictFile.isSupported(file)) {
                        throw new IllegalArgumentException(labelFile + " line " + csv.line() + " names " + file
                                + "; expected a .safetensors or .npz file.");
                    }
                    files.add(file);
                    Map<String, String> h = new LinkedHashMap<>();
                    StringBuilder group = new StringBuilder();
                    ActivationKind act = activation;
                    for (int c = 0; c < header.length; c++) {
                        String name = header[c];
                        if (values.containsKey(name)) {
                            try {
                                values.get(name).add(Double.parseDouble(row[c]));
                            } catch (NumberFormatException e) {
                                throw new IllegalArgumentException(labelFile + " line " + csv.line() + " has " + name + " '"
                                        + row[c] + "', not a number.");
                            }
                        } else if (c != fileCol && c != groupCol) {
                            h.put(name, row[c]);
                            if (!name.toLowerCase(Locale.ROOT).contains("seed")) {
                                group.append(name).append('=').append(row[c]).append(';');
                            }
                            if (name.equals("activation")) {
                                act = ActivationKind.parse(row[c]);
                            }
                        }
                    }
                    hyper.add(Collections.unmodifiableMap(h));
                    groups.add(groupCol >= 0 ? row[groupCol] : group.toString());
                    acts.add(act);
                }
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException(labelFile + " lists no networks.");
            }
            Map<String, double[]> targets = new LinkedHashMap<>();
            values.forEach((k, v) -> targets.put(k, v.stream().mapToDouble(Double::doubleValue).toArray()));
            if (!targets.containsKey(GEN_GAP) && targets.containsKey("train_accuracy") && targets.containsKey(TEST_ACCURACY)) {
                double[] train = targets.get("train_accuracy");
                double[] test = targets.get(TEST_ACCURACY);
                double[] gap = new double[train.length];
                for (int i = 0; i < gap.length; i++) {
                    gap[i] = train[i] - test[i];
                }
                targets.put(GEN_GAP, gap);
            }
            targets.remove("train_accuracy");
            NetworkSpec resolved = spec != null ? spec : inferSpec(files.get(0));
            return new StateDictFolderSource(folder, resolved, List.copyOf(files), targets, List.copyOf(hyper),
                    groups.toArray(new String[0]), acts.toArray(new ActivationKind[0]));
        }

        /**
         * The weights file a labels row names, refused unless it lies inside the zoo folder (an absolute
         * path, a {@code ../} or a link leading out would let a zoo read any file of the machine).
         */
        private Path insideFolder(String name, Path labelFile, long line) throws IOException {
            Path root = folder.toAbsolutePath().normalize();
            Path file = root.resolve(name).normalize();
            boolean inside = !Path.of(name).isAbsolute() && file.startsWith(root) && !file.equals(root);
            if (inside && Files.exists(file)) {
                inside = file.toRealPath().startsWith(root.toRealPath());
            }
            if (!inside) {
                throw new MalformedFileException(labelFile + " line " + line + " names '" + name
                        + "', which is outside the zoo folder; weights files must lie inside " + folder + ".");
            }
            return file;
        }

        private NetworkSpec inferSpec(Path first) throws IOException {
            List<Shape> shapes = StateDictLayout.parameterShapes(StateDictFile.read(first), first.toString());
            Shape w0 = shapes.get(0);
            long[] input = inputShape != null ? inputShape
                    : w0.dimension() == 4 ? new long[] {w0.get(1), 28, 28} : new long[] {w0.get(1)};
            return NetworkSpec.fromShapes(shapes, input, activation, convStride, convPadding);
        }

        @Override
        protected Builder self() {
            return this;
        }
    }
}
