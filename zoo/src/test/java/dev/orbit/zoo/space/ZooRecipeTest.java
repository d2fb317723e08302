package dev.orbit.zoo.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.zoo.train.TrainingOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZooRecipeTest {

    @Test
    void presetsDescribeTheDocumentedZoos() {
        ZooRecipe fmnist = ZooRecipe.preset("fmnist-2k");
        assertEquals(2000, fmnist.networks());
        assertEquals("fashion-mnist", fmnist.dataset());
        assertEquals(NetworkSpec.smallCnnZoo(ActivationKind.RELU), fmnist.networkSpec());
        assertEquals(4970, fmnist.networkSpec().parameterCount());
        ZooRecipe digits = ZooRecipe.preset("digits-quick");
        assertEquals(200, digits.networks());
        assertEquals(NetworkSpec.mlp(ActivationKind.RELU, 64, 32, 32, 10), digits.networkSpec());
    }

    @Test
    void membersAreTheSpaceSamplesAndAPrefixIsStable() {
        ZooRecipe recipe = ZooRecipe.preset(ZooRecipe.DIGITS_QUICK);
        assertEquals(recipe.space().sample(17, recipe.seed()), recipe.members().get(17).hyperparameters());
        assertEquals(recipe.members().subList(0, 10), recipe.withNetworks(10).members());
        assertEquals(recipe.members().subList(150, 200), recipe.members(150, 200));
    }

    @Test
    void jsonRoundTripAndUnknownNames() {
        ZooRecipe recipe = ZooRecipe.preset(ZooRecipe.FMNIST_2K);
        assertEquals(recipe, ZooRecipe.fromJson(recipe.toJson()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ZooRecipe.preset("cifar"));
        assertTrue(e.getMessage().contains("fmnist-2k"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> recipe.withNetworks(0));
    }

    @Test
    void overridesReplaceOnlyWhatTheyNameAndAnEpochOverrideCheckpointsFirstAndLast() {
        ZooRecipe preset = ZooRecipe.preset(ZooRecipe.DIGITS_QUICK);
        assertEquals(preset, preset.with(ZooRecipe.Overrides.none()), "nothing named, nothing changed");

        ZooRecipe changed = preset.with(new ZooRecipe.Overrides("mnist", "mlp:784-10", 12, 5L, 9, null, 16, 256, 32, 64,
                8, 1));
        assertEquals(ZooRecipe.DIGITS_QUICK, changed.name(), "the zoo still says which preset it started from");
        assertEquals("mnist", changed.dataset());
        assertEquals(NetworkSpec.mlp(ActivationKind.RELU, 784, 10), changed.networkSpec());
        assertEquals(12, changed.networks());
        assertEquals(5L, changed.seed());
        assertEquals(new TrainingOptions(9, List.of(0, 1, 9), 256, 32, 64, 8, preset.training().evalBatchSize(), 1),
                changed.training());
        assertEquals(List.of(16), changed.space().batchSizes());
        assertEquals(preset.space().activations(), changed.space().activations());

        ZooRecipe checkpoints = preset.with(new ZooRecipe.Overrides(null, null, null, null, 4, List.of(2, 4), null, null,
                null, null, null, null));
        assertEquals(List.of(2, 4), checkpoints.training().checkpointEpochs(), "given checkpoints win");
        assertEquals(preset.training().trainPoolSize(), checkpoints.training().trainPoolSize());
    }

    @Test
    void aCustomRecipeCheckpointsFirstAndLastEpochOnWholeSplits() {
        ZooRecipe custom = ZooRecipe.custom("digits", "mlp:64-10", 3, 4);
        assertEquals(ZooRecipe.CUSTOM, custom.name());
        assertEquals(new TrainingOptions(4, List.of(0, 1, 4), 0, 0, 0, 64, 32, 1), custom.training());
        assertEquals(0L, custom.seed());
        assertThrows(IllegalArgumentException.class, () -> custom.with(new ZooRecipe.Overrides(null, null, null, null,
                null, List.of(0, 5), null, null, null, null, null, null)));
    }
}
