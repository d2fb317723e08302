package dev.orbit.training.fit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import dev.orbit.metanet.models.InvariantNfn;
import dev.orbit.metanet.optim.Adam;
import dev.orbit.training.model.MetanetConfig;
import dev.orbit.training.model.MetanetFactory;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code nfn-np} reads standardised weights (entries ~N(0, 1)) plus N(0, 1) input/output embeddings,
 * so its pooled features are O(1). Its first Adam step on NFN's recipe (batch 8, lr 1e-3,
 * cross-entropy on a sigmoid) must leave the logits well inside the sigmoid's working range: with
 * the Xavier head it had before, that step moved them by more than the whole range (|z| > 10,
 * where float32 cross-entropy has lost its gradient), and the prediction stayed constant.
 */
class NfnNpFirstStepTest {

    /**
     * |Δz| beyond which one step has pushed predictions of targets in (0.1, 0.9) (|z| < 2.2) past
     * |z| ≈ 6, where the sigmoid's slope has fallen below 1/400 of its peak.
     */
    private static final double SATURATING_MOVE = 8;

    @Test
    void firstAdamStepKeepsTheSigmoidOutOfSaturation() {
        double move = firstStepLogitMove(false);
        double control = firstStepLogitMove(true);
        System.out.printf("nfn-np first-step logit move: %.2f (NFN head init), %.2f (Xavier head)%n", move, control);
        assertTrue(move < SATURATING_MOVE, "the first step moved a logit by " + move);
        assertTrue(control > SATURATING_MOVE, "negative control: the Xavier head moved a logit by only " + control);
    }

    /** Largest |change| of a logit over one Adam step, seeded; optionally with the Xavier head. */
    private static double firstStepLogitMove(boolean xavierHead) {
        NetworkSpec spec = NetworkSpec.smallCnnZoo(ActivationKind.RELU);
        Engine.getInstance().setRandomSeed(0);
        try (NDManager manager = NDManager.newBaseManager()) {
            Random random = new Random(1);
            NDList x = new NDList();
            for (LayerSpec layer : spec.layers()) {
                x.add(gaussian(manager, random, new Shape(8, layer.outNeurons(), layer.inNeurons(), layer.filterSize())));
                x.add(gaussian(manager, random, new Shape(8, layer.outNeurons(), 1)));
            }
            float[] y = new float[8];
            for (int i = 0; i < y.length; i++) {
                y[i] = 0.1f + 0.8f * random.nextFloat();
            }
            NDArray target = manager.create(y);
            Block model = MetanetFactory.create(MetanetConfig.defaults("nfn-np").withSigmoidOutput(true), spec);
            if (xavierHead) {
                InvariantNfn nfn = (InvariantNfn) ((SequentialBlock) model).getChildren().get(0).getValue();
                nfn.getHead().setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
            }
            model.initialize(manager, DataType.FLOAT32, x.getShapes());
            Block logits = ((SequentialBlock) model).getChildren().get(0).getValue();
            ParameterStore store = new ParameterStore(manager, false);
            NDArray before = logits.forward(store, x, false).singletonOrThrow().reshape(-1); // (B)
            Adam adam = new Adam(manager, model.getParameters());
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray p = model.forward(store, x, true).singletonOrThrow().reshape(-1); // (B)
                collector.backward(FitConfig.Loss.BCE.of(p, target));
            }
            adam.step(1e-3f);
            NDArray after = logits.forward(store, x, false).singletonOrThrow().reshape(-1); // (B)
            return after.sub(before).abs().max().getFloat();
        }
    }

    private static NDArray gaussian(NDManager manager, Random random, Shape shape) {
        float[] data = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return manager.create(data, shape);
    }
}
