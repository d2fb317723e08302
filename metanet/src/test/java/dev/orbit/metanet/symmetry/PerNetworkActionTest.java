package dev.orbit.metanet.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.testing.TestNetworks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A batch action is a group action of G^B: network b moves exactly as its own element moves a
 * batch of one, the inverse undoes it, and the identity elements change nothing. On the Small CNN
 * Zoo architecture (convolution kernels in the channels) with 3 feature channels.
 */
class PerNetworkActionTest {

    private static final NetworkSpec SPEC = NetworkSpec.smallCnnZoo(ActivationKind.RELU);
    private static final int BATCH = 4;

    @Test
    void eachNetworkMovesAsItsOwnElementDoes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures f = TestNetworks.randomFeatures(manager, SPEC, BATCH, 3, 1);
            List<PermutationAction> perms = permutations(10);
            List<ScalingAction> scalings = scalings(20);
            scalings.set(2, null); // a network without rescaling in a rescaled batch
            WeightSpaceFeatures moved = PerNetworkAction.of(SPEC, perms, scalings).apply(f);
            for (int b = 0; b < BATCH; b++) {
                SymmetryAction alone = scalings.get(b) == null ? perms.get(b) : perms.get(b).then(scalings.get(b));
                // The same gathers and products per element: equal to the last bit.
                assertEquals(0f, TestNetworks.maxAbsDiff(alone.apply(f.slice(b, b + 1)), moved.slice(b, b + 1)), 0f,
                        "network " + b);
            }
            // Negative control: the batch really holds different elements; network 0 moved by
            // network 1's element differs.
            SymmetryAction other = perms.get(1).then(scalings.get(1));
            assertTrue(TestNetworks.maxAbsDiff(other.apply(f.slice(0, 1)), moved.slice(0, 1)) > 1e-3f);
        }
    }

    @Test
    void inverseUndoesAndIdentityKeeps() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures f = TestNetworks.randomFeatures(manager, SPEC, BATCH, 2, 3);
            PerNetworkAction g = PerNetworkAction.of(SPEC, permutations(30), scalings(40));
            WeightSpaceFeatures moved = g.apply(f);
            assertTrue(TestNetworks.maxAbsDiff(f, moved) > 1e-2f); // not vacuous
            // Factors exp(N(0, 0.5^2)) and their float reciprocals: a few float roundings on values of order 1.
            assertEquals(0f, TestNetworks.maxAbsDiff(f, g.inverse().apply(moved)), 1e-5f);
            assertEquals(0f, TestNetworks.maxAbsDiff(f, g.apply(g.inverse().apply(f))), 1e-5f);
            List<PermutationAction> identities = new ArrayList<>();
            for (int b = 0; b < BATCH; b++) {
                identities.add(PermutationAction.identity(SPEC));
            }
            assertEquals(0f, TestNetworks.maxAbsDiff(f, PerNetworkAction.of(SPEC, identities, null).apply(f)), 0f);
        }
    }

    @Test
    void aBatchOfAnotherSizeIsRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightSpaceFeatures f = TestNetworks.randomFeatures(manager, SPEC, BATCH + 1, 1, 4);
            PerNetworkAction g = PerNetworkAction.of(SPEC, permutations(50), null);
            assertThrows(IllegalArgumentException.class, () -> g.apply(f));
        }
    }

    private static List<PermutationAction> permutations(long seed) {
        List<PermutationAction> out = new ArrayList<>();
        for (int b = 0; b < BATCH; b++) {
            out.add(PermutationAction.random(SPEC, seed + b));
        }
        return out;
    }

    private static List<ScalingAction> scalings(long seed) {
        return new ArrayList<>(Arrays.asList(ScalingAction.positive(SPEC, seed, 0.5), ScalingAction.positive(SPEC, seed + 1, 0.5),
                ScalingAction.positive(SPEC, seed + 2, 0.5), ScalingAction.positive(SPEC, seed + 3, 0.5)));
    }
}
