package dev.orbit.zoo.format;

import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerKind;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The Small CNN Zoo's {@code layout.csv} (Unterthiner et al. 2020): which columns of
 * {@code weights.npy} hold which TensorFlow variable. Per layer the bias comes first, then the
 * kernel; conv kernels are (h, w, in, out), dense kernels (in, out), and Keras names the layers
 * {@code sequential/conv2d}, {@code sequential/conv2d_1}, ..., {@code sequential/dense}, ...
 *
 * <p>Converts rows between this layout and Orbit's canonical order (W_0, b_0, W_1, b_1, ... in DJL
 * layouts (out, in, kh, kw) and (out, in)). The conversion is a permutation, so it is exact.
 */
public final class CnnZooLayout {

    /** The header of {@code layout.csv}. */
    public static final String HEADER = "varname,start_idx,end_idx,size,shape";

    /**
     * One TensorFlow variable's columns.
     *
     * @param varname e.g. {@code sequential/conv2d/kernel:0}
     * @param startIdx its first column
     * @param endIdx one past its last column
     * @param shape its TensorFlow shape
     */
    public record Variable(String varname, int startIdx, int endIdx, long[] shape) {

        /** Copies the shape. */
        public Variable {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** @return the number of values, {@code endIdx - startIdx} */
        public int size() {
            return endIdx - startIdx;
        }

        /** @return true for a kernel, false for a bias */
        public boolean isKernel() {
            return varname.endsWith("/kernel:0");
        }

        /** @return the shape as Python prints a tuple, e.g. {@code (3, 3, 1, 16)} or {@code (16,)} */
        public String pythonShape() {
            if (shape.length == 1) {
                return "(" + shape[0] + ",)";
            }
            return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Variable v && v.varname.equals(varname) && v.startIdx == startIdx
                    && v.endIdx == endIdx && Arrays.equals(v.shape, shape);
        }

        @Override
        public int hashCode() {
            return Objects.hash(varname, startIdx, endIdx, Arrays.hashCode(shape));
        }
    }

    /** One layer: where its TF bias and kernel live, and its DJL weight shape. */
    private record Layer(Variable bias, Variable kernel, long[] djlWeightShape) {}

    private final List<Variable> variables;
    private final List<Layer> layers;
    private final int parameterCount;

    private CnnZooLayout(List<Variable> variables, List<Layer> layers) {
        this.variables = List.copyOf(variables);
        this.layers = List.copyOf(layers);
        this.parameterCount = variables.isEmpty() ? 0 : variables.get(variables.size() - 1).endIdx();
    }

    /**
     * The layout Keras gives a network of this spec (a Sequential model of Conv2D and Dense layers).
     *
     * @param spec the network
     * @return its layout
     */
    public static CnnZooLayout of(NetworkSpec spec) {
        List<Variable> vars = new ArrayList<>();
        List<Layer> layers = new ArrayList<>();
        int convs = 0;
        int denses = 0;
        int offset = 0;
        for (LayerSpec l : spec.layers()) {
            String name = l.kind() == LayerKind.CONV2D ? keras("conv2d", convs++) : keras("dense", denses++);
            Variable bias = new Variable("sequential/" + name + "/bias:0", offset, offset + l.outNeurons(),
                    new long[] {l.outNeurons()});
            offset = bias.endIdx();
            long[] tfShape = l.kind() == LayerKind.CONV2D
                    ? new long[] {l.kernelHeight(), l.kernelWidth(), l.inNeurons(), l.outNeurons()}
                    : new long[] {l.inNeurons(), l.outNeurons()};
            Variable kernel = new Variable("sequential/" + name + "/kernel:0", offset,
                    Math.toIntExact(offset + l.weightCount()), tfShape);
            offset = kernel.endIdx();
            vars.add(bias);
            vars.add(kernel);
            layers.add(new Layer(bias, kernel, l.weightShape().getShape()));
        }
        return new CnnZooLayout(vars, layers);
    }

    private static String keras(String base, int index) {
        return index == 0 ? base : base + "_" + index;
    }

    /**
     * Reads and validates a {@code layout.csv}: the five columns by name (an extra unnamed index
     * column is ignored), contiguous ranges from column 0, sizes matching shapes, and per layer a
     * bias followed by a 4-D (h, w, in, out) or 2-D (in, out) kernel with matching out.
     *
     * @param file the layout file
     * @return the layout
     * @throws ZooFormatException when the file is missing or inconsistent
     * @throws IOException when reading fails
     */
    public static CnnZooLayout read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ZooFormatException(ZooFormatException.Reason.CORRUPT, file + " is missing.", e);
        }
        lines.removeIf(String::isBlank);
        if (lines.isEmpty()) {
            throw ManifestFields.corrupt(file.toString(), "is empty; expected the header " + HEADER);
        }
        List<String> header = MetricsCsv.split(lines.get(0), file.toString());
        int[] col = new int[5];
        String[] names = HEADER.split(",");
        for (int c = 0; c < names.length; c++) {
            col[c] = header.indexOf(names[c]);
            if (col[c] < 0) {
                throw ManifestFields.corrupt(file.toString(), "lacks the column '" + names[c] + "' (expected " + HEADER + ")");
            }
        }
        List<Variable> vars = new ArrayList<>();
        int expectedStart = 0;
        for (int i = 1; i < lines.size(); i++) {
            String where = file + " line " + (i + 1);
            List<String> cells = MetricsCsv.split(lines.get(i), where);
            if (cells.size() != header.size()) {
                throw ManifestFields.corrupt(where, "has " + cells.size() + " cells but the header has " + header.size());
            }
            Variable v;
            try {
                v = new Variable(cells.get(col[0]), Integer.parseInt(cells.get(col[1]).trim()),
                        Integer.parseInt(cells.get(col[2]).trim()), parseShape(cells.get(col[4])));
                if (Long.parseLong(cells.get(col[3]).trim()) != v.size()) {
                    throw ManifestFields.corrupt(where, "has size " + cells.get(col[3]) + " but spans " + v.size() + " columns");
                }
            } catch (NumberFormatException e) {
                throw ManifestFields.corrupt(where, "has a non-numeric index, size or shape (" + e.getMessage() + ")");
            }
            if (v.startIdx() != expectedStart) {
                throw ManifestFields.corrupt(where, "starts at column " + v.startIdx() + " but expected " + expectedStart);
            }
            if (Arrays.stream(v.shape).reduce(1, Math::multiplyExact) != v.size()) {
                throw ManifestFields.corrupt(where, "has shape " + v.pythonShape() + " but spans " + v.size() + " columns");
            }
            expectedStart = v.endIdx();
            vars.add(v);
        }
        return new CnnZooLayout(vars, pairLayers(vars, file.toString()));
    }

    private static long[] parseShape(String s) {
        String inner = s.trim().replaceAll("^[\\[(]|[\\])]$", "");
        return Arrays.stream(inner.split(",")).map(String::trim).filter(t -> !t.isEmpty()).mapToLong(Long::parseLong)
                .toArray();
    }

    private static List<Layer> pairLayers(List<Variable> vars, String source) throws ZooFormatException {
        if (vars.size() % 2 != 0 || vars.isEmpty()) {
            throw ManifestFields.corrupt(source, "has " + vars.size() + " variables; expected a bias and a kernel per layer");
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < vars.size(); i += 2) {
            Variable bias = vars.get(i);
            Variable kernel = vars.get(i + 1);
            String prefix = bias.varname().replaceFirst("/bias:0$", "");
            if (!bias.varname().endsWith("/bias:0") || !kernel.varname().equals(prefix + "/kernel:0")) {
                throw ManifestFields.corrupt(source, "lists " + bias.varname() + " then " + kernel.varname()
                        + "; expected each layer's bias:0 followed by its kernel:0");
            }
            long[] k = kernel.shape;
            long out = k[k.length - 1];
            if (bias.shape.length != 1 || bias.shape[0] != out || (k.length != 4 && k.length != 2)) {
                throw ManifestFields.corrupt(source, "has " + kernel.varname() + " of shape " + kernel.pythonShape()
                        + " and its bias of shape " + bias.pythonShape() + "; expected (h, w, in, out) or (in, out) and (out,)");
            }
            long[] djl = k.length == 4 ? new long[] {k[3], k[2], k[0], k[1]} : new long[] {k[1], k[0]};
            layers.add(new Layer(bias, kernel, djl));
        }
        return layers;
    }

    /** @return the file's text: the header, then one line per variable */
    public String toCsv() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Variable v : variables) {
            sb.append(v.varname()).append(',').append(v.startIdx()).append(',').append(v.endIdx()).append(',')
                    .append(v.size()).append(',').append(MetricsCsv.quote(v.pythonShape())).append('\n');
        }
        return sb.toString();
    }

    /** @return the variables in column order */
    public List<Variable> variables() {
        return variables;
    }

    /** @return columns per row */
    public int parameterCount() {
        return parameterCount;
    }

    /** @return the parameter shapes in Orbit's canonical order, DJL layouts */
    public List<Shape> canonicalShapes() {
        List<Shape> out = new ArrayList<>();
        for (Layer l : layers) {
            out.add(new Shape(l.djlWeightShape()));
            out.add(new Shape(l.bias().shape()));
        }
        return out;
    }

    /**
     * The network this layout stores, with Small CNN Zoo conventions for what the layout does not
     * say: convolutions of stride 2 without padding.
     *
     * @param inputShape one example's input, e.g. (1, 28, 28) or (features)
     * @param hiddenActivation the activation after hidden layers
     * @return the spec
     */
    public NetworkSpec toSpec(long[] inputShape, ActivationKind hiddenActivation) {
        return NetworkSpec.fromShapes(canonicalShapes(), inputShape, hiddenActivation, 2, 0);
    }

    /**
     * Rearranges one row from Orbit's canonical order into this layout.
     *
     * @param canonical source array
     * @param from where the row starts in it
     * @param tf destination array
     * @param to where the row starts in it
     */
    public void toTensorFlow(float[] canonical, int from, float[] tf, int to) {
        convert(canonical, from, tf, to, true);
    }

    /**
     * Rearranges one row from this layout into Orbit's canonical order.
     *
     * @param tf source array
     * @param from where the row starts in it
     * @param canonical destination array
     * @param to where the row starts in it
     */
    public void toCanonical(float[] tf, int from, float[] canonical, int to) {
        convert(canonical, to, tf, from, false);
    }

    private void convert(float[] canonical, int c0, float[] tf, int t0, boolean toTf) {
        int c = c0;
        for (Layer l : layers) {
            long[] k = l.kernel().shape;
            int kernelStart = t0 + l.kernel().startIdx();
            if (k.length == 4) {
                int kh = (int) k[0], kw = (int) k[1], in = (int) k[2], out = (int) k[3];
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        for (int h = 0; h < kh; h++) {
                            for (int w = 0; w < kw; w++) {
                                int t = kernelStart + ((h * kw + w) * in + i) * out + o;
                                int d = c + ((o * in + i) * kh + h) * kw + w;
                                move(canonical, d, tf, t, toTf);
                            }
                        }
                    }
                }
            } else {
                int in = (int) k[0], out = (int) k[1];
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        move(canonical, c + o * in + i, tf, kernelStart + i * out + o, toTf);
                    }
                }
            }
            c += l.kernel().size();
            int biasStart = t0 + l.bias().startIdx();
            for (int o = 0; o < l.bias().size(); o++) {
                move(canonical, c + o, tf, biasStart + o, toTf);
            }
            c += l.bias().size();
        }
    }

    private static void move(float[] canonical, int d, float[] tf, int t, boolean toTf) {
        if (toTf) {
            tf[t] = canonical[d];
        } else {
            canonical[d] = tf[t];
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CnnZooLayout other && other.variables.equals(variables);
    }

    @Override
    public int hashCode() {
        return variables.hashCode();
    }

    @Override
    public String toString() {
        return "CnnZooLayout" + variables.stream().map(v -> v.varname() + v.pythonShape()).toList();
    }
}
