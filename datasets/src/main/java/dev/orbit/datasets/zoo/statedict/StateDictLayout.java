package dev.orbit.datasets.zoo.statedict;

import ai.djl.ndarray.types.Shape;
import dev.orbit.datasets.io.DType;
import dev.orbit.datasets.io.NpyArray;
import dev.orbit.datasets.zoo.ArchitectureMismatchException;
import dev.orbit.datasets.zoo.TensorFlowKernels;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a state dict (named tensors, as in a PyTorch {@code .safetensors} or a NumPy {@code .npz})
 * to a {@link NetworkSpec}'s canonical parameter order W_0, b_0, W_1, b_1, ...
 *
 * <p>Names end in {@code weight} or {@code kernel} (a weight) or {@code bias}; what precedes the
 * suffix names the layer ({@code 0.weight}, {@code fc1.bias}, {@code sequential/conv2d/kernel:0}).
 * Layers are taken in the order the file lists them, or, when that order does not chain (as in a
 * safetensors header sorted alphabetically, where {@code 10.} precedes {@code 2.}), in natural
 * order of their names. Kernels named {@code kernel} are TensorFlow layout and are transposed:
 * (h, w, in, out) to (out, in, h, w) and (in, out) to (out, in). Tensors without a name (as read
 * from a DJL {@code .params} file) are taken in order, 1-D ones as biases.
 */
public final class StateDictLayout {

    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private StateDictLayout() {}

    /** One layer's weight and bias, in DJL layout, with the names they had. */
    private record LayerTensors(String name, long[] weightShape, float[] weight, long[] biasShape, float[] bias) {}

    /**
     * Converts a state dict to canonical flat weights for {@code spec}.
     *
     * @param tensors name to array, in file order
     * @param spec the architecture expected
     * @param source the file, named in messages
     * @param specOwner whose spec it is, for messages: "the run's spec", "the zoo's spec"
     * @return {@code spec.parameterCount()} floats
     * @throws ArchitectureMismatchException when the layers or their shapes differ from the spec
     * @throws IllegalArgumentException when the tensors are not weight/bias pairs
     */
    public static float[] toCanonical(Map<String, NpyArray> tensors, NetworkSpec spec, String source, String specOwner) {
        List<List<LayerTensors>> candidates = candidates(tensors, source);
        ArchitectureMismatchException first = null;
        for (List<LayerTensors> layers : candidates) {
            try {
                return flatten(layers, spec, source, specOwner);
            } catch (ArchitectureMismatchException e) {
                first = first == null ? e : first;
            }
        }
        throw first;
    }

    /**
     * The parameter shapes of a state dict in canonical order (DJL layout), for inferring its spec
     * with {@link NetworkSpec#fromShapes}: the first layer order whose neuron counts chain.
     */
    public static List<Shape> parameterShapes(Map<String, NpyArray> tensors, String source) {
        List<List<LayerTensors>> candidates = candidates(tensors, source);
        for (List<LayerTensors> layers : candidates) {
            if (chains(layers)) {
                List<Shape> shapes = new ArrayList<>();
                for (LayerTensors l : layers) {
                    shapes.add(new Shape(l.weightShape));
                    shapes.add(new Shape(l.biasShape));
                }
                return shapes;
            }
        }
        throw new IllegalArgumentException(source + " holds layers whose shapes do not chain (each layer's inputs"
                + " equal to the previous layer's outputs) in file order or in name order.");
    }

    private static boolean chains(List<LayerTensors> layers) {
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i).weightShape.length < 2 || layers.get(i).weightShape[1] != layers.get(i - 1).weightShape[0]) {
                return false;
            }
        }
        return true;
    }

    private static float[] flatten(List<LayerTensors> layers, NetworkSpec spec, String source, String specOwner) {
        if (layers.size() != spec.numLayers()) {
            throw new ArchitectureMismatchException(source + " holds " + layers.size() + " layers ("
                    + 2 * layers.size() + " tensors), " + specOwner + " expects " + spec.numLayers() + " layers ("
                    + spec.describe() + ").");
        }
        float[] out = new float[Math.toIntExact(spec.parameterCount())];
        int pos = 0;
        for (int l = 0; l < layers.size(); l++) {
            LayerTensors t = layers.get(l);
            long[] w = spec.layer(l).weightShape().getShape();
            long[] b = spec.layer(l).biasShape().getShape();
            if (!java.util.Arrays.equals(t.weightShape, w)) {
                throw new ArchitectureMismatchException(source + ": layer " + l + " weight has shape "
                        + formatShape(t.weightShape) + ", " + specOwner + " expects "
                        + formatShape(w));
            }
            if (!java.util.Arrays.equals(t.biasShape, b)) {
                throw new ArchitectureMismatchException(source + ": layer " + l + " bias has shape "
                        + formatShape(t.biasShape) + ", " + specOwner + " expects "
                        + formatShape(b));
            }
            System.arraycopy(t.weight, 0, out, pos, t.weight.length);
            pos += t.weight.length;
            System.arraycopy(t.bias, 0, out, pos, t.bias.length);
            pos += t.bias.length;
        }
        return out;
    }

    /** File order first, then natural name order when it differs. */
    private static List<List<LayerTensors>> candidates(Map<String, NpyArray> tensors, String source) {
        Map<String, NpyArray[]> byLayer = new LinkedHashMap<>();
        Map<String, Boolean> tensorFlow = new LinkedHashMap<>();
        int unnamed = 0;
        String pendingUnnamed = null;
        for (Map.Entry<String, NpyArray> e : tensors.entrySet()) {
            String name = e.getKey();
            NpyArray array = e.getValue();
            String layer;
            boolean isBias;
            boolean tf = false;
            if (name == null || name.isEmpty() || name.matches("param\\d+")) {
                // Unnamed arrays in order: a weight opens a layer, the 1-D array after it is its bias.
                isBias = array.rank() == 1;
                if (!isBias) {
                    pendingUnnamed = "layer" + (unnamed++);
                } else if (pendingUnnamed == null) {
                    throw new IllegalArgumentException(source + " lists a bias before any weight.");
                }
                layer = pendingUnnamed;
            } else {
                String base = name.replaceFirst(":\\d+$", "");
                String lower = base.toLowerCase(Locale.ROOT);
                String suffix;
                if (lower.endsWith("weight")) {
                    suffix = "weight";
                    isBias = false;
                } else if (lower.endsWith("kernel")) {
                    suffix = "kernel";
                    isBias = false;
                    tf = true;
                } else if (lower.endsWith("bias")) {
                    suffix = "bias";
                    isBias = true;
                } else {
                    throw new IllegalArgumentException(source + " holds tensor '" + name + "', which is neither a weight"
                            + " nor a bias; only dense and convolutional layers are supported.");
                }
                layer = base.substring(0, base.length() - suffix.length()).replaceAll("[./_:-]+$", "");
            }
            NpyArray[] pair = byLayer.computeIfAbsent(layer, k -> new NpyArray[2]);
            int slot = isBias ? 1 : 0;
            if (pair[slot] != null) {
                throw new IllegalArgumentException(source + " holds two " + (isBias ? "biases" : "weights") + " for layer '"
                        + layer + "'.");
            }
            pair[slot] = array;
            if (!isBias) {
                tensorFlow.put(layer, tf);
            }
        }
        List<String> fileOrder = new ArrayList<>(byLayer.keySet());
        List<String> naturalOrder = new ArrayList<>(fileOrder);
        naturalOrder.sort(StateDictLayout::compareNatural);
        List<List<LayerTensors>> out = new ArrayList<>();
        out.add(layers(fileOrder, byLayer, tensorFlow, source));
        if (!naturalOrder.equals(fileOrder)) {
            out.add(layers(naturalOrder, byLayer, tensorFlow, source));
        }
        return out;
    }

    private static List<LayerTensors> layers(
            List<String> order, Map<String, NpyArray[]> byLayer, Map<String, Boolean> tensorFlow, String source) {
        List<LayerTensors> out = new ArrayList<>();
        for (String layer : order) {
            NpyArray[] pair = byLayer.get(layer);
            String label = layer.isEmpty() ? "(unnamed)" : layer;
            if (pair[0] == null || pair[1] == null) {
                throw new IllegalArgumentException(source + ": layer '" + label + "' has a "
                        + (pair[0] == null ? "bias but no weight" : "weight but no bias")
                        + "; every layer needs both.");
            }
            long[] ws = pair[0].shape();
            float[] w = floats(pair[0], source, label);
            if (Boolean.TRUE.equals(tensorFlow.get(layer)) && TensorFlowKernels.isKernelShape(ws)) {
                w = TensorFlowKernels.toDjl(w, ws);
                ws = TensorFlowKernels.djlShape(ws);
            }
            out.add(new LayerTensors(label, ws, w, pair[1].shape(), floats(pair[1], source, label)));
        }
        return out;
    }

    private static float[] floats(NpyArray a, String source, String layer) {
        if (a.dtype() == DType.F32) {
            return a.toFloatArray();
        }
        if (a.dtype() == DType.F64) {
            double[] d = a.toDoubleArray();
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
        throw new IllegalArgumentException(source + ": layer '" + layer + "' is stored as " + a.dtype()
                + "; expected float32 or float64.");
    }

    private static String formatShape(long[] shape) {
        return java.util.Arrays.stream(shape).mapToObj(Long::toString)
                .collect(java.util.stream.Collectors.joining(",", "(", ")"));
    }

    /** Compares names with digit runs as numbers: {@code layers.2} before {@code layers.10}. */
    static int compareNatural(String a, String b) {
        Matcher ma = NUMBER.matcher(a);
        Matcher mb = NUMBER.matcher(b);
        int ia = 0;
        int ib = 0;
        while (ia < a.length() && ib < b.length()) {
            boolean da = Character.isDigit(a.charAt(ia));
            boolean db = Character.isDigit(b.charAt(ib));
            if (da && db) {
                ma.find(ia);
                mb.find(ib);
                int cmp = new java.math.BigInteger(ma.group()).compareTo(new java.math.BigInteger(mb.group()));
                if (cmp != 0) {
                    return cmp;
                }
                ia = ma.end();
                ib = mb.end();
            } else {
                int cmp = Character.compare(a.charAt(ia), b.charAt(ib));
                if (cmp != 0) {
                    return cmp;
                }
                ia++;
                ib++;
            }
        }
        return Integer.compare(a.length() - ia, b.length() - ib);
    }
}
