package dev.orbit.zoo.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.ActivationKind;
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
}
