package dev.orbit.metanet.models;

import static dev.orbit.metanet.models.InvariantNfnTest.CNN;
import static dev.orbit.metanet.models.InvariantNfnTest.INR_MLP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.orbit.metanet.layers.EquivarianceCheck;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationAction;
import dev.orbit.metanet.symmetry.PermutationGroup;
import dev.orbit.metanet.testing.TestNetworks;
import org.junit.jupiter.api.Test;

/**
 * The denoisers of a generative model over weights: an {@link EquivariantNfn} reading a condition
 * vector (per channel, {@code ConditionShift}) stays equivariant, F(g·x, e) = g·F(x, e), and does
 * read the condition; the {@link FlatMlp} reading the same condition is not equivariant (the
 * negative control).
 */
class ConditionedDenoiserTest {

    /** Float32 round-off through three layers of sums over hundreds of terms, relative to the largest output. */
    private static final float RELATIVE_TOLERANCE = 1e-5f;
    /** What a broken symmetry or an ignored condition must at least change (observed well above). */
    private static final float LARGE = 0.05f;
    private static final int CONDITION = 5;

    static EquivariantNfn conditioned(NetworkSpec spec) {
        return EquivariantNfn.builder().setNetworkSpec(spec).setVariant(PermutationGroup.HNP).optHiddenChannels(4, 4)
                .optActivation(ActivationKind.SILU).optConditionSize(CONDITION).build();
    }

    /** Inputs and the condition, initialised block, every parameter (the zero-start shifts too) randomised. */
    private static <B extends Block> B ready(NDManager manager, B block, WeightSpaceFeatures x, NDArray condition, long seed) {
        NDList inputs = with(x, condition);
        block.initialize(manager, DataType.FLOAT32, TestNetworks.shapesOf(inputs));
        TestNetworks.randomiseParameters(block, seed);
        return block;
    }

    private static NDList with(WeightSpaceFeatures x, NDArray condition) {
        NDList inputs = x.toNDList();
        inputs.add(condition);
        return inputs;
    }

    private static WeightSpaceFeatures run(NDManager manager, Block block, WeightSpaceFeatures x, NDArray condition) {
        NDList out = TestNetworks.forward(manager, block, with(x, condition), false);
        return block instanceof FlatMlp ? WeightSpaceFeatures.fromFlat(((FlatMlp) block).spec(), out.singletonOrThrow())
                : WeightSpaceFeatures.fromNDList(out);
    }

    @Test
    void theConditionedEquivariantDenoiserCommutesWithHiddenPermutations() {
        for (NetworkSpec spec : new NetworkSpec[] {INR_MLP, CNN}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(701);
                WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 3, 1, 702);
                NDArray condition = manager.randomNormal(new Shape(3, CONDITION));
                EquivariantNfn model = ready(manager, conditioned(spec), x, condition, 703);
                PermutationAction g = PermutationAction.random(spec, 704);
                WeightSpaceFeatures out = run(manager, model, x, condition);
                float error = TestNetworks.maxAbsDiff(run(manager, model, g.apply(x), condition), g.apply(out));
                float scale = Math.max(1f, EquivarianceCheck.maxAbs(out));
                assertTrue(error <= RELATIVE_TOLERANCE * scale, spec.describe() + ": equivariance error " + error
                        + " on outputs up to " + scale);
                assertArrayEquals(TestNetworks.shapesOf(x.toNDList()),
                        model.getOutputShapes(TestNetworks.shapesOf(with(x, condition))), "one velocity per weight");

                NDArray other = manager.randomNormal(new Shape(3, CONDITION));
                float effect = TestNetworks.maxAbsDiff(run(manager, model, x, other), run(manager, model, x, condition));
                assertTrue(effect > LARGE, spec.describe() + ": the condition changes the output only by " + effect);
            }
        }
    }

    @Test
    void theFlatDenoiserIsNotEquivariant() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(711);
            NetworkSpec spec = INR_MLP;
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, spec, 2, 1, 712);
            NDArray condition = manager.randomNormal(new Shape(2, CONDITION));
            MlpHead head = MlpHead.builder().setHiddenWidth(32).setDepth(1)
                    .setOutputSize(Math.toIntExact(spec.parameterCount())).build();
            FlatMlp flat = ready(manager, FlatMlp.builder().setNetworkSpec(spec).setHead(head).optConditionSize(CONDITION)
                    .build(), x, condition, 713);
            PermutationAction g = PermutationAction.random(spec, 714);
            float error = TestNetworks.maxAbsDiff(run(manager, flat, g.apply(x), condition),
                    g.apply(run(manager, flat, x, condition)));
            assertTrue(error > LARGE, "the flat baseline ignores the symmetry, yet its error is only " + error);
        }
    }

    @Test
    void aConditionOfTheWrongSizeIsRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures x = TestNetworks.randomFeatures(manager, INR_MLP, 1, 1, 721);
            NDList inputs = with(x, manager.zeros(new Shape(1, CONDITION + 1)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> conditioned(INR_MLP)
                    .initialize(manager, DataType.FLOAT32, TestNetworks.shapesOf(inputs)));
            assertTrue(e.getMessage().contains("condition (B, 5)"), e.getMessage());
        }
    }
}
