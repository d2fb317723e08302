package dev.orbit.metanet.layers;

import static dev.orbit.metanet.layers.PooledQuantities.Quantity.BIAS;
import static dev.orbit.metanet.layers.PooledQuantities.Quantity.BIAS_MEAN;
import static dev.orbit.metanet.layers.PooledQuantities.Quantity.INCOMING;
import static dev.orbit.metanet.layers.PooledQuantities.Quantity.INCOMING_MEAN;
import static dev.orbit.metanet.layers.PooledQuantities.Quantity.OUTGOING;
import static dev.orbit.metanet.layers.PooledQuantities.Quantity.OUTGOING_MEAN;
import static dev.orbit.metanet.layers.PooledQuantities.Quantity.WEIGHT_MEAN;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.orbit.metanet.layers.EquivariantLinearMap.Source;
import dev.orbit.metanet.layers.EquivariantLinearMap.Target;
import dev.orbit.metanet.layers.PooledQuantities.Quantity;
import dev.orbit.metanet.layers.PooledQuantities.Segment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads NFN's {@code NPLinear} / {@code HNPLinear} state_dict into an {@link EquivariantLinearMap},
 * following golden/nfn/README.md §4-5: every NFN module is a matrix over concatenated pooled
 * features; its input blocks are matched to Orbit's segments by (quantity, layer), blocks Orbit has
 * and NFN lacks are zero, and the biases of modules adding into one output are summed. The same
 * mapping carries NFN's gradients over, for whole-model golden tests.
 */
final class NfnParameterMapping {

    /** One block of an NFN module's input: which pooled quantity of which layer. */
    private record Block(Quantity quantity, int layer) {}

    private final EquivariantLinearMap map;
    private final NfnGolden golden;
    private final boolean hnp;
    private final int layers;
    /** Whether the golden entries are gradients: rows NFN has no counterpart for are then NaN. */
    private final boolean gradients;
    private final Map<Parameter, float[]> values = new LinkedHashMap<>();

    private NfnParameterMapping(EquivariantLinearMap map, NfnGolden golden, boolean hnp, boolean gradients) {
        this.map = map;
        this.golden = golden;
        this.hnp = hnp;
        this.layers = golden.spec().numLayers();
        this.gradients = gradients;
    }

    /** Overwrites every parameter of {@code map} (initialised) with NFN's, from {@code golden}. */
    static void load(EquivariantLinearMap map, NfnGolden golden, boolean hnp) {
        new NfnParameterMapping(map, golden, hnp, false).map().forEach((p, v) -> p.getArray().set(v));
    }

    /**
     * NFN's gradients ({@code golden} a view of the {@code grad.} entries) in the shape of Orbit's
     * parameters of {@code map}. A constant's gradient is that of any one NFN bias adding into it (they all add
     * the same constant everywhere, so their gradients are equal); rows of blocks NFN lacks are NaN.
     */
    static Map<Parameter, float[]> gradients(EquivariantLinearMap map, NfnGolden golden, boolean hnp) {
        return new NfnParameterMapping(map, golden, hnp, true).map();
    }

    private Map<Parameter, float[]> map() {
        for (int i = 0; i < layers; i++) {
            if (hnp && i == 0) {
                loadFirstHnp();
            } else if (hnp && i == layers - 1) {
                loadLastHnp();
            } else {
                loadFourTerm(i);
            }
        }
        return values;
    }

    private void loadFourTerm(int i) {
        List<Segment> rows = map.pooling().neuronSegments(i);
        List<Segment> cols = map.pooling().neuronSegments(i + 1);
        set(Target.WEIGHT, i, Source.POINTWISE, "layer_" + i, null, null);
        set(Target.WEIGHT, i, Source.GLOBAL, "layer_" + i + "_rc", globalOrder(), map.pooling().globalSegments());
        set(Target.WEIGHT, i, Source.INPUT_NEURONS, "layer_" + i + "_r", rowOrder(i), rows);
        set(Target.WEIGHT, i, Source.OUTPUT_NEURONS, "layer_" + i + "_c", columnOrder(i), cols);
        setConstant(Target.WEIGHT, i, "layer_" + i, "layer_" + i + "_rc", "layer_" + i + "_r", "layer_" + i + "_c");
        set(Target.BIAS, i, Source.OUTPUT_NEURONS, "bias_" + i, columnOrder(i), cols);
        set(Target.BIAS, i, Source.GLOBAL, "bias_" + i + "_rc", globalOrder(), map.pooling().globalSegments());
        setConstant(Target.BIAS, i, "bias_" + i, "bias_" + i + "_rc");
    }

    private void loadFirstHnp() {
        List<Block> perRow = new ArrayList<>(List.of(new Block(INCOMING, 0), new Block(OUTGOING_MEAN, 1), new Block(BIAS, 0)));
        if (layers == 2) {
            perRow.add(new Block(OUTGOING, 1));
        }
        List<Segment> cols = map.pooling().neuronSegments(1);
        set(Target.WEIGHT, 0, Source.OUTPUT_NEURONS, "w0_rpt", perRow, cols);
        set(Target.WEIGHT, 0, Source.GLOBAL, "w0_rbdcst", globalOrder(), map.pooling().globalSegments());
        setConstant(Target.WEIGHT, 0, "w0_rpt", "w0_rbdcst");
        set(Target.BIAS, 0, Source.OUTPUT_NEURONS, "bias_0", perRow, cols);
        set(Target.BIAS, 0, Source.GLOBAL, "bias_0_rc", globalOrder(), map.pooling().globalSegments());
        setConstant(Target.BIAS, 0, "bias_0", "bias_0_rc");
    }

    private void loadLastHnp() {
        int last = layers - 1;
        List<Block> perColumn = new ArrayList<>(List.of(new Block(OUTGOING, last), new Block(INCOMING_MEAN, last - 1)));
        if (layers == 2) {
            perColumn.add(new Block(INCOMING, 0));
        }
        set(Target.WEIGHT, last, Source.INPUT_NEURONS, "wfin_cpt", perColumn, map.pooling().neuronSegments(last));
        set(Target.WEIGHT, last, Source.GLOBAL, "wfin_cbdcst", globalOrder(), map.pooling().globalSegments());
        setConstant(Target.WEIGHT, last, "wfin_cpt", "wfin_cbdcst");
        set(Target.BIAS, last, Source.GLOBAL, "bias_fin_rc", globalOrder(), map.pooling().globalSegments());
        setConstant(Target.BIAS, last, "bias_fin_rc");
    }

    /** NFN's g: all weight means, all bias means, then (HNP) vec(R_0), vec(K_{L-1}), vec(v_{L-1}). */
    private List<Block> globalOrder() {
        List<Block> order = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            order.add(new Block(WEIGHT_MEAN, l));
        }
        for (int l = 0; l < layers; l++) {
            order.add(new Block(BIAS_MEAN, l));
        }
        if (hnp) {
            order.add(new Block(OUTGOING_MEAN, 0));
            order.add(new Block(INCOMING_MEAN, layers - 1));
            order.add(new Block(BIAS, layers - 1));
        }
        return order;
    }

    /** NFN's row feature ρ_i = [R_i | K_{i-1} | v_{i-1} | (HNP, i = 1) rowfold(X_0)]. */
    private List<Block> rowOrder(int i) {
        List<Block> order = new ArrayList<>(List.of(new Block(OUTGOING_MEAN, i)));
        if (i > 0) {
            order.add(new Block(INCOMING_MEAN, i - 1));
            order.add(new Block(BIAS, i - 1));
        }
        if (hnp && i == 1) {
            order.add(new Block(INCOMING, 0));
        }
        return order;
    }

    /** NFN's column feature κ_i = [K_i | v_i | R_{i+1} | (HNP, i = L-2) colfold(X_{L-1})]. */
    private List<Block> columnOrder(int i) {
        List<Block> order = new ArrayList<>(List.of(new Block(INCOMING_MEAN, i), new Block(BIAS, i)));
        if (i < layers - 1) {
            order.add(new Block(OUTGOING_MEAN, i + 1));
        }
        if (hnp && i == layers - 2) {
            order.add(new Block(OUTGOING, layers - 1));
        }
        return order;
    }

    /**
     * Sets Orbit's (D, out) term matrix from NFN module {@code module}'s weight (out, D_nfn[, 1[, 1]]):
     * A = weight.reshape(out, D_nfn).T with its rows moved from NFN's block order to Orbit's
     * segments. With null orders the module's input is the channel axis itself (pointwise).
     */
    private void set(Target target, int layer, Source source, String module, List<Block> nfnOrder, List<Segment> orbit) {
        Parameter p = map.term(target, layer, source);
        if (p == null) {
            throw new AssertionError("Orbit has no " + source + " term for " + target + " " + layer + " (NFN " + module + ")");
        }
        NDArray nfnWeight = golden.parameter(module + ".weight");
        long out = nfnWeight.getShape().get(0);
        int nfnIn = Math.toIntExact(nfnWeight.getShape().size() / out);
        float[] nfn = nfnWeight.toFloatArray(); // (out, nfnIn) row-major
        long orbitIn = p.getArray().getShape().get(0);
        if (p.getArray().getShape().get(1) != out) {
            throw new AssertionError(module + ": NFN has " + out + " outputs, Orbit's " + p.getName() + " " + p.getArray().getShape());
        }
        float[] mine = new float[Math.toIntExact(orbitIn * out)];
        if (gradients) {
            Arrays.fill(mine, Float.NaN);
        }
        if (nfnOrder == null) {
            copyRows(nfn, nfnIn, 0, mine, 0, nfnIn, out);
        } else {
            int nfnOffset = 0;
            for (Block block : nfnOrder) {
                int width = 0;
                int orbitOffset = 0;
                boolean found = false;
                for (Segment s : orbit) {
                    if (s.quantity() == block.quantity() && s.layer() == block.layer()) {
                        width = s.width();
                        found = true;
                        break;
                    }
                    orbitOffset += s.width();
                }
                if (!found) {
                    throw new AssertionError(module + " reads " + block + ", which Orbit's " + p.getName() + " lacks");
                }
                copyRows(nfn, nfnIn, nfnOffset, mine, orbitOffset, width, out);
                nfnOffset += width;
            }
            if (nfnOffset != nfnIn) {
                throw new AssertionError(module + ": blocks cover " + nfnOffset + " of " + nfnIn + " inputs");
            }
        }
        values.put(p, mine);
    }

    private static void copyRows(float[] nfn, int nfnIn, int nfnOffset, float[] mine, int orbitOffset, int width, long out) {
        for (int r = 0; r < width; r++) {
            for (int o = 0; o < out; o++) {
                mine[Math.toIntExact((orbitOffset + r) * out + o)] = nfn[o * nfnIn + nfnOffset + r];
            }
        }
    }

    /** Orbit's single constant = the sum of the biases of the NFN modules adding into that output. */
    private void setConstant(Target target, int layer, String... modules) {
        NDArray sum = null;
        for (String module : gradients ? Arrays.copyOf(modules, 1) : modules) {
            NDArray b = golden.parameter(module + ".bias");
            sum = sum == null ? b : sum.add(b);
        }
        values.put(map.term(target, layer, Source.CONSTANT), sum.toFloatArray());
    }

}
