package dev.orbit.zoo.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.zoo.Hyperparameters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HyperparameterSpaceTest {

    private static final HyperparameterSpace SPACE = HyperparameterSpace.smallCnnZoo(32);

    @Test
    void aMembersRecipeDependsOnlyOnZooSeedAndIdNotOnOrderOrCount() {
        List<Hyperparameters> forward = new ArrayList<>();
        for (int id = 0; id < 50; id++) {
            forward.add(SPACE.sample(id, 7L));
        }
        for (int id = 49; id >= 0; id--) {
            assertEquals(forward.get(id), SPACE.sample(id, 7L), "member " + id + " drawn backwards");
        }
        assertEquals(forward.get(42), SPACE.sample(42, 7L), "member 42 drawn alone");
        assertEquals(forward.get(42), HyperparameterSpace.smallCnnZoo(32).sample(42, 7L), "from an equal space");
    }

    @Test
    void anotherZooSeedOrIdGivesAnotherRecipeAndSeed() {
        assertNotEquals(SPACE.sample(3, 7L), SPACE.sample(3, 8L));
        Set<Long> seeds = new HashSet<>();
        for (int id = 0; id < 1000; id++) {
            seeds.add(SPACE.sample(id, 7L).seed());
        }
        assertEquals(1000, seeds.size(), "member seeds must be distinct");
    }

    @Test
    void samplesCoverEveryChoiceAndStayInsideTheRanges() {
        Set<String> inits = new HashSet<>();
        Set<String> optimizers = new HashSet<>();
        Set<ActivationKind> activations = new HashSet<>();
        double minLr = 1;
        double maxLr = 0;
        for (int id = 0; id < 2000; id++) {
            Hyperparameters hp = SPACE.sample(id, 1L);
            inits.add(hp.weightInit());
            optimizers.add(hp.optimizer());
            activations.add(hp.activation());
            minLr = Math.min(minLr, hp.learningRate());
            maxLr = Math.max(maxLr, hp.learningRate());
            assertTrue(hp.initStd() >= 1e-3 && hp.initStd() < 0.5, "init std " + hp.initStd());
            assertTrue(hp.l2() >= 1e-8 && hp.l2() < 1e-2, "l2 " + hp.l2());
            assertTrue(hp.dropout() >= 0 && hp.dropout() < 0.5, "dropout " + hp.dropout());
            assertTrue(hp.trainFraction() >= 0.1 && hp.trainFraction() < 1, "fraction " + hp.trainFraction());
            assertEquals(32, hp.batchSize());
        }
        assertEquals(Set.copyOf(HyperparameterSpace.KNOWN_WEIGHT_INITS), inits);
        assertEquals(Set.copyOf(HyperparameterSpace.KNOWN_OPTIMIZERS), optimizers);
        assertEquals(Set.of(ActivationKind.RELU, ActivationKind.TANH), activations);
        // log-uniform over two decades: both ends are reached within 10%
        assertTrue(minLr < 5e-4 * 1.1 && maxLr > 5e-2 / 1.1, "learning rates " + minLr + ".." + maxLr);
    }

    @Test
    void jsonRoundTripKeepsTheSpaceAndItsSamples() {
        String json = SPACE.toJson();
        HyperparameterSpace back = HyperparameterSpace.fromJson(json);
        assertEquals(SPACE, back);
        assertEquals(SPACE.sample(5, 9L), back.sample(5, 9L));
        assertTrue(json.contains("\"learningRate\""), json);
    }

    @Test
    void anUnknownOptimizerOrBadRangeIsRejectedInOneSentence() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HyperparameterSpace(
                SPACE.activations(), SPACE.weightInits(), SPACE.initStd(), SPACE.biasInit(), SPACE.dropout(),
                SPACE.l2(), SPACE.learningRate(), List.of("lbfgs"), SPACE.trainFraction(), SPACE.batchSizes()));
        assertTrue(e.getMessage().contains("lbfgs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HyperparameterSpace(
                SPACE.activations(), SPACE.weightInits(), SPACE.initStd(), SPACE.biasInit(), SPACE.dropout(),
                HyperparameterSpace.Range.logUniform(0, 1e-2), SPACE.learningRate(), SPACE.optimizers(),
                SPACE.trainFraction(), SPACE.batchSizes()), "log-uniform from 0");
    }
}
