package dev.orbit.metanet.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationAction;
import dev.orbit.metanet.symmetry.SymmetryAction;
import dev.orbit.metanet.testing.TestNetworks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/** Test support for metanet blocks on weight-space features: symmetry errors and save/load. */
public final class EquivarianceCheck {

    private EquivarianceCheck() {}

    /**
     * Reverses the order of the network's input and output neurons and leaves hidden ones alone:
     * not a symmetry of the network, and never the identity (unlike a random draw on 2 inputs).
     */
    public static PermutationAction reverseInputsAndOutputs(NetworkSpec spec) {
        int[] n = spec.neuronCounts();
        int[][] perms = new int[n.length][];
        for (int k = 0; k < n.length; k++) {
            perms[k] = new int[n[k]];
            for (int i = 0; i < n[k]; i++) {
                perms[k][i] = spec.isPermutable(k) ? i : n[k] - 1 - i;
            }
        }
        return PermutationAction.of(spec, perms);
    }

    /** Runs {@code block} in inference mode on features, returning features. */
    public static WeightSpaceFeatures apply(NDManager manager, Block block, WeightSpaceFeatures x) {
        return WeightSpaceFeatures.fromNDList(TestNetworks.forward(manager, block, x.toNDList(), false));
    }

    /** Runs {@code block} in inference mode on features, returning its single output array. */
    public static NDArray applyInvariant(NDManager manager, Block block, WeightSpaceFeatures x) {
        return TestNetworks.forward(manager, block, x.toNDList(), false).singletonOrThrow();
    }

    /** max |F(g·x) - g·F(x)| over every output entry. */
    public static float equivarianceError(NDManager manager, Block block, SymmetryAction g, WeightSpaceFeatures x) {
        return TestNetworks.maxAbsDiff(apply(manager, block, g.apply(x)), g.apply(apply(manager, block, x)));
    }

    /** max |F(g·x) - F(x)| over every output entry. */
    public static float invarianceError(NDManager manager, Block block, SymmetryAction g, WeightSpaceFeatures x) {
        return TestNetworks.maxAbsDiff(applyInvariant(manager, block, g.apply(x)), applyInvariant(manager, block, x));
    }

    /** Largest absolute entry of a block's output, to put errors in scale. */
    public static float maxAbs(WeightSpaceFeatures f) {
        float max = 0f;
        for (NDArray a : f.toNDList()) {
            max = Math.max(max, a.abs().max().getFloat());
        }
        return max;
    }

    /** Initialises {@code block} on the shapes of {@code x}. */
    public static <B extends Block> B initialise(NDManager manager, B block, WeightSpaceFeatures x) {
        block.initialize(manager, DataType.FLOAT32, TestNetworks.shapesOf(x.toNDList()));
        return block;
    }

    /** The bytes {@code block.saveParameters} writes. */
    public static byte[] save(Block block) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream os = new DataOutputStream(bytes)) {
            block.saveParameters(os);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Loads {@code bytes} into {@code block} (built, not initialised). */
    public static void load(NDManager manager, Block block, byte[] bytes) throws IOException, MalformedModelException {
        try (DataInputStream is = new DataInputStream(new ByteArrayInputStream(bytes))) {
            block.loadParameters(manager, is);
        }
    }

    /**
     * Saves an initialised block's parameters, loads them into a fresh block from {@code fresh} and
     * asserts identical outputs (exact: same parameters, same arithmetic).
     */
    public static void assertSaveLoadRoundTrip(NDManager manager, Block block, Supplier<Block> fresh, NDList input) {
        byte[] bytes = save(block);
        Block restored = fresh.get();
        try {
            load(manager, restored, bytes);
        } catch (IOException | MalformedModelException e) {
            throw new AssertionError("Loading saved parameters failed: " + e.getMessage(), e);
        }
        NDList before = TestNetworks.forward(manager, block, input, false);
        NDList after = TestNetworks.forward(manager, restored, input, false);
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            assertEquals(0f, TestNetworks.maxAbsDiff(before.get(i), after.get(i)), 0f, "output " + i + " after reload");
        }
    }
}
