package dev.orbit.zoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.orbit.metanet.space.LayerKind;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.zoo.CheckpointMetrics;
import dev.orbit.zoo.CheckpointRecord;
import dev.orbit.zoo.Hyperparameters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.DoubleConsumer;

/**
 * The training loop both trainers share: M members of one spec that agree on activation, optimizer
 * and batch size step together; everything per member (initial weights, data subset and order,
 * dropout masks, learning rate, L2) comes from that member's own seed and recipe, so the loop gives
 * the same member the same weights whatever else is in the group.
 *
 * <p>Per step the loss is the sum over members of each member's mean cross-entropy, so each member's
 * gradient is its own. A member whose loss turns non-finite is flagged on the engine side (no host
 * round trip) and its updates are masked from then on. All temporaries of a step live in an
 * {@link NDScope}, so memory does not grow with steps.
 */
final class GroupTrainer {

    /**
     * Evaluation passes are cut so the first layer's output stays under this many floats (about 24
     * MiB): larger passes fall out of cache and past glibc's largest reusable block, and run about
     * twice as slowly per image.
     */
    static final long EVAL_FIRST_LAYER_FLOATS = 6_000_000L;

    private final ZooTrainingData data;
    private final TrainingOptions options;

    GroupTrainer(ZooTrainingData data, TrainingOptions options) {
        this.data = data;
        this.options = options;
    }

    /**
     * Trains one group and emits its checkpoints.
     *
     * @param model builds the model from the spec and the members' initial flat weights
     * @param stepsTaken told after each training step the share of the group's steps taken, in (0, 1]
     */
    void train(List<ZooMember> group, BiFunction<NetworkSpec, List<float[]>, MemberStack> model,
            NDManager parent, CheckpointSink sink, DoubleConsumer stepsTaken) throws IOException {
        Hyperparameters first = group.get(0).hyperparameters();
        for (ZooMember member : group) {
            Hyperparameters hp = member.hyperparameters();
            if (hp.activation() != first.activation() || !hp.optimizer().equalsIgnoreCase(first.optimizer())
                    || hp.batchSize() != first.batchSize()) {
                throw new IllegalArgumentException("Members of one group must share activation, optimizer and "
                        + "batch size; member " + member.networkId() + " differs from member " + group.get(0).networkId());
            }
        }
        ThreadAutograd.stopRecordingOnThisThread();
        NetworkSpec spec = data.specFor(first.activation());
        List<float[]> initial = new ArrayList<>();
        for (ZooMember member : group) {
            initial.add(InitialWeights.sample(spec, member.hyperparameters()));
        }
        try (NDManager manager = parent.newSubManager();
                MemberStack stack = model.apply(spec, initial)) {
            new Run(spec, group, stack, manager, sink).train(stepsTaken);
        }
    }

    private final class Run {
        private final NetworkSpec spec;
        private final List<ZooMember> group;
        private final MemberStack stack;
        private final NDManager manager;
        private final CheckpointSink sink;
        private final int members;
        private final int batch;
        private final DataStream[] streams;
        private final StackedOptimizer optimizer;
        private final NDArray learningRates; // (M, 1)
        private final NDArray weightDecays; // (M, 1)
        private final NDArray alive; // (M, 1) 1 while training, 0 once diverged
        private final List<ByteBuffer> maskBuffers; // per hidden layer, or null without dropout
        private final List<float[]> maskValues; // host staging, filled by plain array writes
        private final long[] seeds;
        private final double[] rates;

        Run(NetworkSpec spec, List<ZooMember> group, MemberStack stack, NDManager manager, CheckpointSink sink) {
            this.spec = spec;
            this.group = group;
            this.stack = stack;
            this.manager = manager;
            this.sink = sink;
            this.members = group.size();
            Hyperparameters first = group.get(0).hyperparameters();
            this.batch = first.batchSize();
            this.optimizer = new StackedOptimizer(OptimizerKind.parse(first.optimizer()));
            this.streams = new DataStream[members];
            float[] lr = new float[members];
            float[] decay = new float[members];
            boolean anyDropout = false;
            for (int m = 0; m < members; m++) {
                Hyperparameters hp = group.get(m).hyperparameters();
                streams[m] = new DataStream(hp.seed(), hp.trainFraction(), data.poolSize());
                lr[m] = (float) hp.learningRate();
                decay[m] = (float) (2 * hp.l2());
                anyDropout |= hp.dropout() > 0;
            }
            this.learningRates = manager.create(lr, new Shape(members, 1));
            this.weightDecays = manager.create(decay, new Shape(members, 1));
            this.alive = manager.ones(new Shape(members, 1));
            this.maskBuffers = anyDropout ? maskBuffers() : null;
            this.seeds = group.stream().mapToLong(member -> member.hyperparameters().seed()).toArray();
            this.rates = group.stream().mapToDouble(member -> member.hyperparameters().dropout()).toArray();
            this.maskValues = new ArrayList<>();
            if (anyDropout) {
                for (ByteBuffer buffer : maskBuffers) {
                    maskValues.add(new float[buffer.capacity() / Float.BYTES]);
                }
            }
        }

        /** Reusable host buffers for each hidden layer's masks, in that layer's storage layout. */
        private List<ByteBuffer> maskBuffers() {
            List<ByteBuffer> buffers = new ArrayList<>();
            for (int l = 0; l + 1 < spec.numLayers(); l++) {
                buffers.add(ByteBuffer.allocateDirect(Math.toIntExact(maskShape(l).size() * Float.BYTES))
                        .order(ByteOrder.nativeOrder()));
            }
            return buffers;
        }

        /** Storage shape of hidden layer l's mask: (N, H', W', M·C) for a convolution, (M, N, F) for dense. */
        private Shape maskShape(int l) {
            LayerSpec layer = spec.layer(l);
            if (layer.kind() == LayerKind.CONV2D) {
                long size = spec.convOutputSize(l);
                return new Shape(batch, size, size, (long) members * layer.outNeurons());
            }
            return new Shape(members, batch, layer.outNeurons());
        }

        void train(DoubleConsumer stepsTaken) throws IOException {
            int stepsPerEpoch = TrainingOptions.stepsPerEpoch(data.poolSize(), batch);
            double totalSteps = (double) stepsPerEpoch * options.epochs();
            int step = 0;
            for (int epoch = 0; epoch <= options.epochs(); epoch++) {
                if (options.checkpointEpochs().contains(epoch)) {
                    checkpoint(epoch);
                }
                if (epoch == options.epochs()) {
                    break;
                }
                for (int s = 0; s < stepsPerEpoch; s++) {
                    step(++step);
                    stepsTaken.accept(step / totalSteps);
                }
            }
        }

        private void step(int step) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                long[] index = new long[members * batch];
                int[] labels = new int[members * batch];
                for (int m = 0; m < members; m++) {
                    for (int n = 0; n < batch; n++) {
                        int image = streams[m].next();
                        index[data.convolutional ? n * members + m : m * batch + n] = image;
                        labels[m * batch + n] = data.trainLabels[image];
                    }
                }
                NDArray x = data.gather(data.trainImages, index, members, batch, manager);
                NDArray y = manager.create(labels, new Shape(members, batch)).toType(DataType.INT64, false); // (M, N)
                List<NDArray> masks = maskBuffers == null ? null : dropoutMasks(step);
                NDArray loss;
                try (ThreadAutograd collector = new ThreadAutograd()) {
                    NDArray logits = stack.forward(x, masks, true); // (M, N, K)
                    loss = meanCrossEntropy(logits, y); // (M)
                    collector.backward(loss.sum()); // each member's gradient is its own mean loss's
                }
                alive.muli(isFinite(loss).reshape(members, 1).toType(DataType.FLOAT32, false));
                NDArray mayMove = alive.gt(0.5f); // (M, 1)
                List<NDArray> parameters = stack.parameters();
                for (int i = 0; i < parameters.size(); i++) {
                    NDArray p = parameters.get(i);
                    NDArray grad = p.getGradient();
                    optimizer.update(i, p.reshape(members, -1), grad.reshape(members, -1), learningRates,
                            i % 2 == 0 ? weightDecays : null, mayMove, step);
                    JniUtils.zeroGrad((PtNDArray) p);
                }

            }
        }

        /** Scaled keep masks, one per hidden layer, each member's drawn from its own seed. */
        private List<NDArray> dropoutMasks(int step) {
            List<NDArray> masks = new ArrayList<>();
            for (int l = 0; l + 1 < spec.numLayers(); l++) {
                LayerSpec layer = spec.layer(l);
                float[] values = maskValues.get(l);
                Shape shape = maskShape(l);
                if (layer.kind() == LayerKind.CONV2D) {
                    // (N, H', W', M·C): at each pixel, each member's C channels in turn
                    int positions = Math.toIntExact(shape.get(0) * shape.get(1) * shape.get(2));
                    DropoutMasks.fillInterleaved(values, 0, members, layer.outNeurons(), positions, seeds, rates, step, l);
                } else {
                    int block = batch * layer.outNeurons(); // member m's (N, F)
                    for (int m = 0; m < members; m++) {
                        DropoutMasks.fill(values, m * block, block, seeds[m], step, l, rates[m]);
                    }
                }
                maskBuffers.get(l).asFloatBuffer().put(values); // one bulk copy
                NDArray mask = manager.create(maskBuffers.get(l), shape, DataType.FLOAT32); // copied
                masks.add(layer.kind() == LayerKind.CONV2D ? mask.transpose(0, 3, 1, 2) : mask); // (N, M·C, H', W') view
            }
            return masks;
        }

        private void checkpoint(int epoch) throws IOException {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                int[][] trainSets = new int[members][];
                for (int m = 0; m < members; m++) {
                    int[] subset = streams[m].subset();
                    int count = options.evalTrainLimit() == 0 ? subset.length : Math.min(options.evalTrainLimit(), subset.length);
                    trainSets[m] = java.util.Arrays.copyOf(subset, count);
                }
                double[][] train = evaluate(data.trainImages, data.trainLabels, trainSets);
                double[][] test = evaluateShared(data.testImages, data.testLabels);
                float[][] weights = exportWeights();
                float[] stillAlive = alive.toFloatArray();
                for (int m = 0; m < members; m++) {
                    boolean diverged = stillAlive[m] < 0.5f || !finite(weights[m]);
                    if (diverged && stillAlive[m] >= 0.5f) {
                        alive.set(new ai.djl.ndarray.index.NDIndex(m), 0f);
                    }
                    ZooMember member = group.get(m);
                    sink.accept(new CheckpointRecord(member.networkId(), epoch, member.hyperparameters(), weights[m],
                            new CheckpointMetrics(train[1][m], train[0][m], test[1][m], test[0][m], diverged)));
                }
            }
        }

        /** Mean loss and accuracy per member over its own image list: {loss[M], accuracy[M]}. */
        private double[][] evaluate(NDArray images, int[] labels, int[][] sets) {
            int longest = 0;
            for (int[] set : sets) {
                longest = Math.max(longest, set.length);
            }
            NDArray lossSum = manager.zeros(new Shape(members)); // (M)
            NDArray correct = manager.zeros(new Shape(members)); // (M)
            int chunk = evalChunk();
            for (int start = 0; start < longest; start += chunk) {
                try (NDScope batchScope = new NDScope()) {
                batchScope.suppressNotUsedWarning();
                int n = Math.min(chunk, longest - start);
                long[] index = new long[members * n];
                int[] y = new int[members * n];
                boolean[] valid = new boolean[members * n];
                for (int m = 0; m < members; m++) {
                    for (int j = 0; j < n; j++) {
                        boolean inside = start + j < sets[m].length;
                        int image = sets[m][inside ? start + j : 0];
                        index[data.convolutional ? j * members + m : m * n + j] = image;
                        y[m * n + j] = labels[image];
                        valid[m * n + j] = inside;
                    }
                }
                NDArray x = data.gather(images, index, members, n, manager);
                NDArray target = manager.create(y, new Shape(members, n)).toType(DataType.INT64, false); // (M, n)
                NDArray mask = manager.create(valid, new Shape(members, n)); // (M, n)
                NDArray logits = stack.forward(x, null, false); // (M, n, K)

                NDArray nll = logits.logSoftmax(2).gather(target.expandDims(2), 2).squeeze(2).neg(); // (M, n)
                NDArray hit = logits.argMax(2).eq(target).toType(DataType.FLOAT32, false); // (M, n)
                lossSum.addi(NDArrays.where(mask, nll, nll.zerosLike()).sum(new int[] {1}));
                correct.addi(NDArrays.where(mask, hit, hit.zerosLike()).sum(new int[] {1}));
                }
            }
            float[] losses = lossSum.toFloatArray();
            float[] hits = correct.toFloatArray();
            double[][] out = new double[2][members];
            for (int m = 0; m < members; m++) {
                out[0][m] = losses[m] / sets[m].length;
                out[1][m] = hits[m] / (double) sets[m].length;
            }
            return out;
        }

        private int evalChunk() {
            return GroupTrainer.evalChunk(spec, members, options.evalBatchSize());
        }

        private double[][] evaluateShared(NDArray images, int[] labels) {
            return GroupTrainer.evaluateShared(data, stack, members, images, labels, evalChunk(), manager);
        }

        private float[][] exportWeights() {
            NDList rows = new NDList();
            for (NDArray p : stack.parameters()) {
                rows.add(p.reshape(members, -1)); // (M, size)
            }
            float[] all = NDArrays.concat(rows, 1).toFloatArray(); // (M, P)
            int count = all.length / members;
            float[][] out = new float[members][];
            for (int m = 0; m < members; m++) {
                out[m] = java.util.Arrays.copyOfRange(all, m * count, (m + 1) * count);
            }
            return out;
        }
    }

    /** Images per member in one evaluation pass: {@code evalBatchSize}, capped by {@link #EVAL_FIRST_LAYER_FLOATS}. */
    static int evalChunk(NetworkSpec spec, int members, int evalBatchSize) {
        LayerSpec first = spec.layer(0);
        long perImage = first.kind() == LayerKind.CONV2D
                ? first.outNeurons() * spec.convOutputSize(0) * spec.convOutputSize(0)
                : first.outNeurons();
        long cap = Math.max(1, EVAL_FIRST_LAYER_FLOATS / (perImage * members));
        return (int) Math.min(evalBatchSize, cap);
    }

    /**
     * Mean loss and accuracy per member of {@code stack} over all of {@code images}, {@code chunk}
     * images per pass: {loss[M], accuracy[M]}. The checkpoints' test metrics and
     * {@link NetworkEvaluator} both measure with this pass.
     */
    static double[][] evaluateShared(ZooTrainingData data, MemberStack stack, int members, NDArray images, int[] labels,
            int chunk, NDManager manager) {
        NDArray lossSum = manager.zeros(new Shape(members)); // (M)
        NDArray correct = manager.zeros(new Shape(members)); // (M)
        for (int start = 0; start < labels.length; start += chunk) {
            try (NDScope batchScope = new NDScope()) {
                batchScope.suppressNotUsedWarning();
                int n = Math.min(chunk, labels.length - start);
                long[] index = new long[n];
                int[] y = new int[members * n];
                for (int j = 0; j < n; j++) {
                    index[j] = start + j;
                    for (int m = 0; m < members; m++) {
                        y[m * n + j] = labels[start + j];
                    }
                }
                NDArray x = data.gatherShared(images, index, manager); // (n, C, H, W) or (n, F)
                NDArray target = manager.create(y, new Shape(members, n)).toType(DataType.INT64, false); // (M, n)
                NDArray logits = stack.forwardShared(x); // (M, n, K)
                lossSum.addi(logits.logSoftmax(2).gather(target.expandDims(2), 2).squeeze(2).neg().sum(new int[] {1}));
                correct.addi(logits.argMax(2).eq(target).toType(DataType.FLOAT32, false).sum(new int[] {1}));
            }
        }
        float[] losses = lossSum.toFloatArray();
        float[] hits = correct.toFloatArray();
        double[][] out = new double[2][members];
        for (int m = 0; m < members; m++) {
            out[0][m] = losses[m] / labels.length;
            out[1][m] = hits[m] / (double) labels.length;
        }
        return out;
    }

    /** Each member's mean cross-entropy over its batch: logits (M, N, K), labels (M, N) -> (M). */
    static NDArray meanCrossEntropy(NDArray logits, NDArray labels) {
        NDArray picked = logits.logSoftmax(2).gather(labels.expandDims(2), 2); // (M, N, 1)
        return picked.squeeze(2).mean(new int[] {1}).neg(); // (M)
    }

    private static NDArray isFinite(NDArray x) {
        return x.isNaN().logicalOr(x.isInfinite()).logicalNot();
    }

    private static boolean finite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
