package dev.orbit.datasets.zoo.cnnzoo;

import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.datasets.zoo.CsvRows;
import dev.orbit.datasets.zoo.TensorFlowKernels;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerKind;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Small CNN Zoo's {@code layout.csv} ({@code varname,start_idx,end_idx,size,shape}): which
 * columns of a {@code weights.npy} row hold which TensorFlow variable, and the conversion of a row
 * between TensorFlow order and the {@link NetworkSpec}'s canonical order.
 *
 * <p>TensorFlow stores a convolution kernel as (h, w, in, out) and a dense kernel as (in, out), and
 * Keras writes each layer's bias before its kernel ({@code sequential/conv2d/bias:0}, then
 * {@code sequential/conv2d/kernel:0}); canonical order is W_0, b_0, W_1, b_1, ... with kernels as
 * DJL holds them (out, in, h, w) and (out, in). The conversion is one precomputed gather (a
 * permutation), so it is exact and costs one pass over a row.
 */
public final class CnnZooLayout {

    /** The header of {@code layout.csv}. */
    public static final String HEADER = "varname,start_idx,end_idx,size,shape";

    /** One TensorFlow variable: its name, its columns [start, end) and its TensorFlow shape. */
    private record Variable(String name, int start, int end, long[] shape) {
        int size() {
            return end - start;
        }

        /** The shape as Python prints a tuple: {@code (3, 3, 1, 16)}, {@code (16,)}. */
        String pythonShape() {
            return shape.length == 1 ? "(" + shape[0] + ",)"
                    : Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
        }

        boolean sameAs(Variable v) {
            return name.equals(v.name) && start == v.start && end == v.end && Arrays.equals(shape, v.shape);
        }
    }

    /** One layer: its TensorFlow kernel and bias. */
    private record Layer(String name, Variable kernel, Variable bias) {
        boolean conv() {
            return kernel.shape.length == 4;
        }

        int in() {
            return (int) kernel.shape[kernel.shape.length - 2];
        }

        int out() {
            return (int) kernel.shape[kernel.shape.length - 1];
        }
    }

    private final List<Variable> variables;
    private final List<Layer> layers;
    private final int columns;
    private final int[] fileIndexOfCanonical;

    private CnnZooLayout(List<Variable> variables, List<Layer> layers, int columns) {
        this.variables = List.copyOf(variables);
        this.layers = List.copyOf(layers);
        this.columns = columns;
        this.fileIndexOfCanonical = buildGather(layers, columns);
    }

    /** The layout Keras gives a network of this spec (a Sequential model of Conv2D and Dense layers). */
    public static CnnZooLayout of(NetworkSpec spec) {
        List<Variable> vars = new ArrayList<>();
        List<Layer> layers = new ArrayList<>();
        int convs = 0;
        int denses = 0;
        int offset = 0;
        for (LayerSpec l : spec.layers()) {
            String name = "sequential/" + (l.kind() == LayerKind.CONV2D ? keras("conv2d", convs++) : keras("dense", denses++));
            Variable bias = new Variable(name + "/bias:0", offset, offset + l.outNeurons(), new long[] {l.outNeurons()});
            long[] tfShape = l.kind() == LayerKind.CONV2D
                    ? new long[] {l.kernelHeight(), l.kernelWidth(), l.inNeurons(), l.outNeurons()}
                    : new long[] {l.inNeurons(), l.outNeurons()};
            Variable kernel = new Variable(name + "/kernel:0", bias.end, Math.toIntExact(bias.end + l.weightCount()), tfShape);
            offset = kernel.end;
            vars.add(bias);
            vars.add(kernel);
            layers.add(new Layer(name, kernel, bias));
        }
        return new CnnZooLayout(vars, layers, offset);
    }

    private static String keras(String base, int index) {
        return index == 0 ? base : base + "_" + index;
    }

    /**
     * Reads and validates {@code layout.csv} against the weights file it describes. Columns are found
     * by name (pandas' unnamed index column is ignored); every variable must be a kernel or a bias,
     * its span must equal its shape's size and lie inside the weights row, the variables must tile
     * the row exactly once, and each layer's inputs must equal the previous layer's outputs. All of
     * this is checked before anything of the row's size is allocated.
     *
     * @param layoutCsv the file
     * @param weightColumns the columns of the {@code weights.npy} rows it describes
     * @throws MalformedFileException naming the file and the first inconsistency
     */
    public static CnnZooLayout read(Path layoutCsv, int weightColumns) throws IOException {
        List<Variable> vars = new ArrayList<>();
        Map<String, Variable[]> byLayer = new LinkedHashMap<>(); // layer -> {kernel, bias}
        try (CsvRows csv = CsvRows.open(layoutCsv)) {
            int nameCol = require(csv, "varname");
            int startCol = require(csv, "start_idx");
            int endCol = require(csv, "end_idx");
            int shapeCol = require(csv, "shape");
            int sizeCol = csv.column("size");
            for (String[] row = csv.next(); row != null; row = csv.next()) {
                String var = row[nameCol];
                String where = layoutCsv + " line " + csv.line() + ": variable " + var;
                long[] shape = parseShape(row[shapeCol], where);
                long start = parseIndex(row[startCol], where);
                long end = parseIndex(row[endCol], where);
                if (start > end || end > weightColumns) {
                    throw new MalformedFileException(where + " spans columns [" + start + ", " + end + ") but the"
                            + " weights rows have " + weightColumns + " columns.");
                }
                long size = 1;
                for (long d : shape) {
                    size = d <= 0 ? -1 : Math.multiplyExact(size, d);
                    if (size < 0 || size > weightColumns) {
                        throw new MalformedFileException(where + " has shape '" + row[shapeCol] + "', which does not fit"
                                + " in rows of " + weightColumns + " columns.");
                    }
                }
                if (end - start != size || (sizeCol >= 0 && parseIndex(row[sizeCol], where) != size)) {
                    throw new MalformedFileException(where + " spans [" + start + ", " + end + ") with size "
                            + (sizeCol >= 0 ? row[sizeCol] : "-") + " but its shape " + row[shapeCol] + " has " + size
                            + " entries.");
                }
                Variable v = new Variable(var, (int) start, (int) end, shape);
                String base = var.replaceFirst(":\\d+$", "");
                int slash = base.lastIndexOf('/');
                String layer = slash < 0 ? "" : base.substring(0, slash);
                String role = base.substring(slash + 1);
                int slot = role.equals("kernel") ? 0 : role.equals("bias") ? 1 : -1;
                if (slot < 0) {
                    throw new MalformedFileException(where + " is neither a kernel nor a bias; expected names like"
                            + " sequential/conv2d/kernel:0.");
                }
                if (slot == 0 && !TensorFlowKernels.isKernelShape(shape) || slot == 1 && shape.length != 1) {
                    throw new MalformedFileException(where + " has shape " + v.pythonShape() + "; expected "
                            + (slot == 0 ? "(in, out) or (h, w, in, out)." : "(out,)."));
                }
                Variable[] pair = byLayer.computeIfAbsent(layer, k -> new Variable[2]);
                if (pair[slot] != null) {
                    throw new MalformedFileException(where + ": layer " + layer + " already has a "
                            + (slot == 0 ? "kernel" : "bias") + ".");
                }
                pair[slot] = v;
                vars.add(v);
            }
        }
        requireTiling(vars, weightColumns, layoutCsv);
        List<Layer> layers = new ArrayList<>();
        for (Map.Entry<String, Variable[]> e : byLayer.entrySet()) {
            Variable kernel = e.getValue()[0];
            Variable bias = e.getValue()[1];
            if (kernel == null || bias == null || bias.size() != kernel.shape[kernel.shape.length - 1]) {
                throw new MalformedFileException(layoutCsv + ": layer " + e.getKey() + " needs a kernel and a bias of"
                        + " its outputs' size; it has " + (kernel == null ? "no kernel" : "kernel " + kernel.pythonShape())
                        + " and " + (bias == null ? "no bias" : "bias " + bias.pythonShape()) + ".");
            }
            Layer l = new Layer(e.getKey(), kernel, bias);
            if (!layers.isEmpty() && l.in() != layers.get(layers.size() - 1).out()) {
                throw new MalformedFileException(layoutCsv + ": layer " + l.name + " takes " + l.in() + " inputs but "
                        + layers.get(layers.size() - 1).name + " gives " + layers.get(layers.size() - 1).out() + ".");
            }
            layers.add(l);
        }
        return new CnnZooLayout(vars, layers, weightColumns);
    }

    /** The variables must cover [0, columns) once each: sorted by start, each begins where the last ended. */
    private static void requireTiling(List<Variable> vars, int columns, Path file) throws MalformedFileException {
        if (vars.isEmpty()) {
            throw new MalformedFileException(file + " lists no variables; expected a kernel and a bias per layer.");
        }
        List<Variable> sorted = new ArrayList<>(vars);
        sorted.sort(Comparator.comparingInt(Variable::start));
        int next = 0;
        for (Variable v : sorted) {
            if (v.start != next) {
                throw new MalformedFileException(file + ": variable " + v.name + " starts at column " + v.start
                        + " but the variables before it end at " + next + " (they must tile the row once).");
            }
            next = v.end;
        }
        if (next != columns) {
            throw new MalformedFileException(file + " describes " + next + " columns but the weights rows have "
                    + columns + ".");
        }
    }

    /** @return the file's text: the header, then one line per variable in column order */
    public String toCsv() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Variable v : variables) {
            sb.append(v.name).append(',').append(v.start).append(',').append(v.end).append(',').append(v.size())
                    .append(',').append(CsvRows.quote(v.pythonShape())).append('\n');
        }
        return sb.toString();
    }

    /** Floats per file row. */
    public int columns() {
        return columns;
    }

    /** Number of parametrised layers. */
    public int numLayers() {
        return layers.size();
    }

    /** Input channels (or features) of the first layer. */
    public int inputChannels() {
        return layers.get(0).in();
    }

    /** Whether the first layer is a convolution. */
    public boolean isConvolutional() {
        return layers.get(0).conv();
    }

    /**
     * The network spec of the layout: square convolutions with the given stride and padding (the
     * layout does not record them), then dense layers; the last layer's activation is the identity.
     *
     * @param activation hidden activation
     * @param inputShape (channels, height, width) for a CNN, (features) for an MLP
     */
    public NetworkSpec spec(ActivationKind activation, long[] inputShape, int convStride, int convPadding) {
        List<LayerSpec> specs = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            ActivationKind act = i + 1 == layers.size() ? ActivationKind.IDENTITY : activation;
            if (l.conv()) {
                if (l.kernel.shape[0] != l.kernel.shape[1]) {
                    throw new IllegalArgumentException("Layer " + l.name + " has a non-square kernel "
                            + l.kernel.pythonShape() + "; only square kernels are supported.");
                }
                specs.add(LayerSpec.conv(l.in(), l.out(), (int) l.kernel.shape[0], convStride, convPadding, act));
            } else {
                specs.add(LayerSpec.dense(l.in(), l.out(), act));
            }
        }
        return new NetworkSpec(specs, inputShape);
    }

    /**
     * Converts one file row (TensorFlow order) to canonical order.
     *
     * @param fileRow {@link #columns()} floats
     * @return a new array of the spec's parameter count
     */
    public float[] toCanonical(float[] fileRow) {
        if (fileRow.length != columns) {
            throw new IllegalArgumentException("A row of this layout has " + columns + " floats, got " + fileRow.length);
        }
        float[] out = new float[columns];
        for (int i = 0; i < out.length; i++) {
            out[i] = fileRow[fileIndexOfCanonical[i]];
        }
        return out;
    }

    /**
     * Converts canonical weights to a file row (TensorFlow order), the inverse of {@link #toCanonical}.
     *
     * @param canonical {@link #columns()} floats in canonical order
     * @param fileRow where the row is written, {@link #columns()} floats
     */
    public void toFileOrder(float[] canonical, float[] fileRow) {
        if (canonical.length != columns || fileRow.length != columns) {
            throw new IllegalArgumentException("A row of this layout has " + columns + " floats, got "
                    + canonical.length + " and " + fileRow.length);
        }
        for (int i = 0; i < canonical.length; i++) {
            fileRow[fileIndexOfCanonical[i]] = canonical[i];
        }
    }

    /** Canonical position i holds file column {@code gather[i]}. */
    private static int[] buildGather(List<Layer> layers, int columns) {
        int[] gather = new int[columns];
        int pos = 0;
        for (Layer l : layers) {
            for (int i : TensorFlowKernels.djlToTensorFlowIndex(l.kernel.shape)) {
                gather[pos++] = l.kernel.start + i;
            }
            for (int o = 0; o < l.bias.size(); o++) {
                gather[pos++] = l.bias.start + o;
            }
        }
        return gather;
    }

    private static int require(CsvRows csv, String column) throws MalformedFileException {
        int i = csv.column(column);
        if (i < 0) {
            throw new MalformedFileException(csv.file() + " has no '" + column + "' column; expected " + HEADER + ".");
        }
        return i;
    }

    private static long parseIndex(String s, String where) throws MalformedFileException {
        try {
            long v = Long.parseLong(s);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MalformedFileException(where + " has index '" + s + "', not a column number.");
    }

    /** Parses NumPy / Python tuple spellings: {@code (3, 3, 1, 16)}, {@code (16,)}, {@code [16]}. */
    private static long[] parseShape(String text, String where) throws MalformedFileException {
        String inner = text.trim().replaceAll("^[(\\[]|[)\\]]$", "");
        List<Long> dims = new ArrayList<>();
        for (String part : inner.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                dims.add(Long.parseLong(part));
            } catch (NumberFormatException e) {
                throw new MalformedFileException(where + " has shape '" + text
                        + "'; expected a tuple of integers such as (3, 3, 1, 16).");
            }
        }
        if (dims.isEmpty()) {
            throw new MalformedFileException(where + " has an empty shape '" + text + "'.");
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CnnZooLayout other) || other.variables.size() != variables.size()) {
            return false;
        }
        for (int i = 0; i < variables.size(); i++) {
            if (!variables.get(i).sameAs(other.variables.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return variables.stream().mapToInt(v -> v.name.hashCode() * 31 + v.start).sum();
    }

    @Override
    public String toString() {
        return "CnnZooLayout" + variables.stream().map(v -> v.name + v.pythonShape()).toList();
    }
}
