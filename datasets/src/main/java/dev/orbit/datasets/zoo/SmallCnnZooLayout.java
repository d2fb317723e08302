package dev.orbit.datasets.zoo;

import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The column layout of a Small CNN Zoo {@code weights.npy} row, read from {@code layout.csv}
 * ({@code varname,start_idx,end_idx,size,shape}; DOMAIN.md §5), and the conversion of a row from
 * TensorFlow order to the {@link NetworkSpec}'s canonical order.
 *
 * <p>TensorFlow stores a convolution kernel as (h, w, in, out) and a dense kernel as (in, out), and
 * the zoo writes each layer's bias before its kernel; canonical order is W_0, b_0, W_1, b_1, ...
 * with kernels (out, in, h, w) and (out, in) as DJL holds them. The conversion is one precomputed
 * gather, so converting a row costs one pass over it.
 */
public final class SmallCnnZooLayout {

    private final List<Layer> layers;
    private final int columns;
    private final int[] fileIndexOfCanonical;

    /** One layer's kernel and bias as they sit in the file row. */
    private record Layer(String name, int kernelStart, long[] kernelShape, int biasStart, int outNeurons) {
        boolean conv() {
            return kernelShape.length == 4;
        }

        int inNeurons() {
            return (int) kernelShape[kernelShape.length - 2];
        }
    }

    private SmallCnnZooLayout(List<Layer> layers, int columns) {
        this.layers = layers;
        this.columns = columns;
        this.fileIndexOfCanonical = buildGather(layers);
    }

    /**
     * Reads {@code layout.csv}.
     *
     * @throws MalformedFileException when a row is not a kernel or bias, shapes and sizes disagree,
     *     or the variables do not tile the row
     */
    public static SmallCnnZooLayout read(Path layoutCsv) throws IOException {
        Map<String, long[]> kernelShapes = new LinkedHashMap<>();
        Map<String, Integer> kernelStarts = new LinkedHashMap<>();
        Map<String, Integer> biasStarts = new LinkedHashMap<>();
        Map<String, Integer> biasSizes = new LinkedHashMap<>();
        boolean[] covered;
        List<int[]> ranges = new ArrayList<>();
        try (CsvRows csv = CsvRows.open(layoutCsv)) {
            int name = require(csv, "varname");
            int start = require(csv, "start_idx");
            int end = require(csv, "end_idx");
            int shapeCol = require(csv, "shape");
            for (String[] row = csv.next(); row != null; row = csv.next()) {
                String var = row[name];
                long[] shape = parseShape(row[shapeCol], layoutCsv, var);
                int from = parseInt(row[start], layoutCsv, var);
                int to = parseInt(row[end], layoutCsv, var);
                long size = 1;
                for (long d : shape) {
                    size *= d;
                }
                if (to - from != size || from < 0) {
                    throw new MalformedFileException(layoutCsv + ": variable " + var + " spans [" + from + ", " + to
                            + ") but its shape " + formatShape(shape) + " has " + size + " entries.");
                }
                ranges.add(new int[] {from, to});
                String base = var.replaceFirst(":\\d+$", "");
                int slash = base.lastIndexOf('/');
                String layer = slash < 0 ? "" : base.substring(0, slash);
                String role = base.substring(slash + 1);
                if (role.equals("kernel")) {
                    if (shape.length != 2 && shape.length != 4) {
                        throw new MalformedFileException(layoutCsv + ": kernel " + var + " has shape "
                                + formatShape(shape) + "; expected (in, out) or (h, w, in, out).");
                    }
                    kernelShapes.put(layer, shape);
                    kernelStarts.put(layer, from);
                } else if (role.equals("bias")) {
                    if (shape.length != 1) {
                        throw new MalformedFileException(layoutCsv + ": bias " + var + " has shape "
                                + formatShape(shape) + "; expected (out,).");
                    }
                    biasStarts.put(layer, from);
                    biasSizes.put(layer, (int) shape[0]);
                } else {
                    throw new MalformedFileException(layoutCsv + ": variable " + var
                            + " is neither a kernel nor a bias; expected names like sequential/conv2d/kernel:0.");
                }
            }
        }
        int columns = 0;
        for (int[] r : ranges) {
            columns = Math.max(columns, r[1]);
        }
        covered = new boolean[columns];
        for (int[] r : ranges) {
            for (int i = r[0]; i < r[1]; i++) {
                if (covered[i]) {
                    throw new MalformedFileException(layoutCsv + ": column " + i + " belongs to two variables.");
                }
                covered[i] = true;
            }
        }
        List<Layer> layers = new ArrayList<>();
        for (Map.Entry<String, long[]> e : kernelShapes.entrySet()) {
            String layer = e.getKey();
            long[] k = e.getValue();
            Integer bias = biasStarts.get(layer);
            int out = (int) k[k.length - 1];
            if (bias == null || biasSizes.get(layer) != out) {
                throw new MalformedFileException(layoutCsv + ": layer " + layer + " has a kernel " + formatShape(k)
                        + " but no bias of " + out + " entries.");
            }
            layers.add(new Layer(layer, kernelStarts.get(layer), k, bias, out));
        }
        if (layers.isEmpty() || biasStarts.size() != layers.size()) {
            throw new MalformedFileException(layoutCsv + " pairs no kernel with each bias; expected one kernel and"
                    + " one bias per layer.");
        }
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i).inNeurons() != layers.get(i - 1).outNeurons) {
                throw new MalformedFileException(layoutCsv + ": layer " + layers.get(i).name + " takes "
                        + layers.get(i).inNeurons() + " inputs but " + layers.get(i - 1).name + " gives "
                        + layers.get(i - 1).outNeurons + ".");
            }
        }
        return new SmallCnnZooLayout(layers, columns);
    }

    /** Floats per file row. */
    public int columns() {
        return columns;
    }

    /** Number of parametrised layers. */
    public int numLayers() {
        return layers.size();
    }

    /**
     * The network spec of the layout: square convolutions with the given stride and padding, then
     * dense layers; the last layer's activation is the identity.
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
                if (l.kernelShape[0] != l.kernelShape[1]) {
                    throw new IllegalArgumentException("Layer " + l.name + " has a non-square kernel "
                            + formatShape(l.kernelShape) + "; only square kernels are supported.");
                }
                specs.add(LayerSpec.conv(l.inNeurons(), l.outNeurons, (int) l.kernelShape[0], convStride, convPadding, act));
            } else {
                specs.add(LayerSpec.dense(l.inNeurons(), l.outNeurons, act));
            }
        }
        return new NetworkSpec(specs, inputShape);
    }

    /** Input channels (or features) of the first layer. */
    public int inputChannels() {
        return layers.get(0).inNeurons();
    }

    /** Whether the first layer is a convolution. */
    public boolean isConvolutional() {
        return layers.get(0).conv();
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
        float[] out = new float[fileIndexOfCanonical.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = fileRow[fileIndexOfCanonical[i]];
        }
        return out;
    }

    /** The inverse of {@link #toCanonical}: canonical order back to a file row (unused columns 0). */
    public float[] toFileOrder(float[] canonical) {
        if (canonical.length != fileIndexOfCanonical.length) {
            throw new IllegalArgumentException("Expected " + fileIndexOfCanonical.length + " canonical floats, got "
                    + canonical.length);
        }
        float[] out = new float[columns];
        for (int i = 0; i < canonical.length; i++) {
            out[fileIndexOfCanonical[i]] = canonical[i];
        }
        return out;
    }

    private static int[] buildGather(List<Layer> layers) {
        int total = 0;
        for (Layer l : layers) {
            int k = 1;
            for (long d : l.kernelShape) {
                k *= (int) d;
            }
            total += k + l.outNeurons;
        }
        int[] gather = new int[total];
        int pos = 0;
        for (Layer l : layers) {
            int out = l.outNeurons;
            int in = l.inNeurons();
            int kh = l.conv() ? (int) l.kernelShape[0] : 1;
            int kw = l.conv() ? (int) l.kernelShape[1] : 1;
            // canonical (out, in, kh, kw) <- TensorFlow (kh, kw, in, out); dense is kh = kw = 1.
            for (int o = 0; o < out; o++) {
                for (int c = 0; c < in; c++) {
                    for (int y = 0; y < kh; y++) {
                        for (int x = 0; x < kw; x++) {
                            gather[pos++] = l.kernelStart + ((y * kw + x) * in + c) * out + o;
                        }
                    }
                }
            }
            for (int o = 0; o < out; o++) {
                gather[pos++] = l.biasStart + o;
            }
        }
        return gather;
    }

    private static int require(CsvRows csv, String column) throws MalformedFileException {
        int i = csv.column(column);
        if (i < 0) {
            throw new MalformedFileException(csv.file() + " has no '" + column
                    + "' column; expected varname,start_idx,end_idx,size,shape.");
        }
        return i;
    }

    private static int parseInt(String s, Path file, String var) throws MalformedFileException {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new MalformedFileException(file + ": variable " + var + " has index '" + s + "', not an integer.");
        }
    }

    /** Parses NumPy / Python tuple spellings: {@code (3, 3, 1, 16)}, {@code (16,)}, {@code [16]}. */
    static long[] parseShape(String text, Path file, String var) throws MalformedFileException {
        String inner = text.trim().replaceAll("^[(\\[]|[)\\]]$", "");
        List<Long> dims = new ArrayList<>();
        for (String part : inner.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                dims.add(Long.parseLong(part));
            } catch (NumberFormatException e) {
                throw new MalformedFileException(file + ": variable " + var + " has shape '" + text
                        + "'; expected a tuple of integers such as (3, 3, 1, 16).");
            }
        }
        if (dims.isEmpty()) {
            throw new MalformedFileException(file + ": variable " + var + " has an empty shape '" + text + "'.");
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    static String formatShape(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ",").append(shape[i]);
        }
        return sb.append(')').toString();
    }
}
