package dev.orbit.zoo.train;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import dev.orbit.datasets.images.ImageSplit;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.Hyperparameters;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The loop a DJL user would write to train one zoo member, as a second speed baseline beside
 * {@link SingleNetworkTrainer} (which shares the batched trainer's lean step): the member's block
 * from {@link NetworkSpec#toBlock(float)} with DJL's own dropout, DJL's {@link Trainer} with its
 * softmax cross-entropy and its Adam / SGD / RMSProp at the member's learning rate and L2 (as weight
 * decay), an {@link ArrayDataset} per epoch and {@link EasyTrain#trainBatch}. The work matches the
 * other trainers: the member's initial weights, its batch sequence (as many steps per epoch) and the
 * same evaluation images at each checkpoint. No training listeners, so nothing is logged or
 * accumulated per batch. The optimizers' defaults are DJL's, so weights are not expected to match
 * Orbit's trainers; only the speed is compared.
 */
public final class DjlTrainerBaseline implements AutoCloseable {

    private static final int EVAL_CHUNK = 1000;

    private final ZooTrainingData data;
    private final TrainingOptions options;

    /**
     * Prepares the data for training.
     *
     * @param architecture the members' network; each member's own activation replaces its hidden activations
     * @param split train and test images
     * @param options budget and evaluation
     */
    public DjlTrainerBaseline(NetworkSpec architecture, ImageSplit split, TrainingOptions options) {
        NativeMemory.retainFreedMemory(); // as the other trainers do, so all three compare fairly
        this.data = new ZooTrainingData(architecture, split, options);
        this.options = options;
    }

    /** Trains members one after another; returns each one's test accuracy at the last checkpoint. */
    public double[] train(List<ZooMember> members) throws IOException {
        double[] accuracy = new double[members.size()];
        for (int i = 0; i < members.size(); i++) {
            double[] atCheckpoints = train(members.get(i));
            accuracy[i] = atCheckpoints[atCheckpoints.length - 1];
        }
        return accuracy;
    }

    /** Trains one member; returns its test accuracy at each checkpoint epoch, in order. */
    public double[] train(ZooMember member) throws IOException {
        Hyperparameters hp = member.hyperparameters();
        NetworkSpec spec = data.specFor(hp.activation());
        Engine.getInstance().setRandomSeed((int) hp.seed()); // DJL's dropout draws from the engine's generator
        int batch = hp.batchSize();
        try (Model model = Model.newInstance("member-" + member.networkId())) {
            model.setBlock(spec.toBlock((float) hp.dropout()));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(optimizer(hp));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(batch).addAll(new Shape(spec.inputShape())));
                spec.copyToBlock(InitialWeights.sample(spec, hp), model.getBlock());
                DataStream stream = new DataStream(hp.seed(), hp.trainFraction(), data.poolSize());
                int steps = TrainingOptions.stepsPerEpoch(data.poolSize(), batch);
                double[] testAccuracy = new double[options.checkpointEpochs().size()];
                int checkpoint = 0;
                for (int epoch = 0; epoch <= options.epochs(); epoch++) {
                    if (options.checkpointEpochs().contains(epoch)) {
                        testAccuracy[checkpoint++] = evaluate(trainer, stream);
                    }
                    if (epoch == options.epochs()) {
                        break;
                    }
                    trainEpoch(trainer, stream, steps, batch);
                }
                return testAccuracy;
            }
        } catch (TranslateException e) {
            throw new IOException("DJL could not batch member " + member.networkId() + "'s data", e);
        }
    }

    /** One epoch of {@code steps} batches in the member's own order. */
    private void trainEpoch(Trainer trainer, DataStream stream, int steps, int batch)
            throws IOException, TranslateException {
        try (NDManager epochManager = trainer.getManager().newSubManager()) {
            long[] order = new long[steps * batch];
            float[] labels = new float[order.length];
            for (int i = 0; i < order.length; i++) {
                int image = stream.next();
                order[i] = image;
                labels[i] = data.trainLabels[image];
            }
            NDArray images = data.trainImages.get(new NDIndex("{}", epochManager.create(order))); // (S·B, C, H, W)
            images.attach(epochManager);
            ArrayDataset epoch = new ArrayDataset.Builder()
                    .setData(images)
                    .optLabels(epochManager.create(labels))
                    .setSampling(batch, false)
                    .build();
            for (Batch b : trainer.iterateDataset(epoch)) {
                EasyTrain.trainBatch(trainer, b);
                trainer.step();
                b.close();
            }
        }
    }

    /** Test accuracy, after the train metrics on the member's first evaluation images (computed for equal work). */
    private double evaluate(Trainer trainer, DataStream stream) {
        int[] subset = stream.subset();
        int count = options.evalTrainLimit() == 0 ? subset.length : Math.min(options.evalTrainLimit(), subset.length);
        long[] trainSet = new long[count];
        int[] trainLabels = new int[count];
        for (int i = 0; i < count; i++) {
            trainSet[i] = subset[i];
            trainLabels[i] = data.trainLabels[subset[i]];
        }
        try (NDManager evalManager = trainer.getManager().newSubManager()) {
            NDArray trainImages = data.trainImages.get(new NDIndex("{}", evalManager.create(trainSet)));
            trainImages.attach(evalManager);
            accuracy(trainer, trainImages, trainLabels);
            return accuracy(trainer, data.testImages, data.testLabels);
        }
    }

    private static double accuracy(Trainer trainer, NDArray images, int[] labels) {
        long correct = 0;
        for (int start = 0; start < labels.length; start += EVAL_CHUNK) {
            int end = Math.min(labels.length, start + EVAL_CHUNK);
            try (NDManager chunkManager = trainer.getManager().newSubManager()) {
                NDArray x = images.get(start + ":" + end);
                x.attach(chunkManager);
                NDArray logits = trainer.evaluate(new NDList(x)).singletonOrThrow(); // (n, K)
                logits.attach(chunkManager);
                int[] predicted = logits.argMax(1).toType(DataType.INT32, false).toIntArray();
                for (int i = 0; i < predicted.length; i++) {
                    correct += predicted[i] == labels[start + i] ? 1 : 0;
                }
            }
        }
        return correct / (double) labels.length;
    }

    private static Optimizer optimizer(Hyperparameters hp) {
        Tracker lr = Tracker.fixed((float) hp.learningRate());
        float decay = (float) (2 * hp.l2()); // the gradient of l2 * |w|^2, as the other trainers apply it
        switch (hp.optimizer().toLowerCase(Locale.ROOT)) {
            case "sgd":
                return Optimizer.sgd().setLearningRateTracker(lr).optWeightDecays(decay).build();
            case "adam":
                return Optimizer.adam().optLearningRateTracker(lr).optWeightDecays(decay).build();
            case "rmsprop": // DJL's RmsProp has no PyTorch kernel (rmspropUpdate: "Not implemented")
                return new PlainRmsProp.Builder((float) hp.learningRate()).optWeightDecays(decay).build();
            default:
                throw new IllegalArgumentException("Unknown optimizer " + hp.optimizer());
        }
    }

    /**
     * RMSprop written with NDArray operations, as a DJL user on the PyTorch engine has to: α = 0.99,
     * ε = 1e-8, weight decay added to the gradient (torch.optim.RMSprop's defaults).
     */
    private static final class PlainRmsProp extends Optimizer {
        private final float learningRate;
        private final java.util.Map<String, java.util.Map<ai.djl.Device, NDArray>> meanSquares =
                new java.util.concurrent.ConcurrentHashMap<>();

        private PlainRmsProp(Builder builder) {
            super(builder);
            this.learningRate = builder.learningRate;
        }

        @Override
        public void update(String parameterId, NDArray weight, NDArray grad) {
            NDArray v = withDefaultState(meanSquares, parameterId, weight.getDevice(), k -> weight.zerosLike());
            try (NDScope scope = new NDScope()) { // the temporaries would otherwise live as long as the model
                scope.suppressNotUsedWarning();
                NDArray g = grad.mul(rescaleGrad).addi(weight.mul(getWeightDecay()));
                v.muli(OptimizerKind.RMSPROP_ALPHA).addi(g.mul(g).muli(1f - OptimizerKind.RMSPROP_ALPHA));
                weight.subi(g.divi(v.sqrt().addi(OptimizerKind.EPSILON)).muli(learningRate));
            }
        }

        private static final class Builder extends OptimizerBuilder<Builder> {
            private final float learningRate;

            Builder(float learningRate) {
                this.learningRate = learningRate;
            }

            @Override
            protected Builder self() {
                return this;
            }

            PlainRmsProp build() {
                return new PlainRmsProp(this);
            }
        }
    }

    @Override
    public void close() {
        data.close();
    }
}
