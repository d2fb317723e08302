package dev.orbit.training.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.orbit.metanet.models.InvariantNfn;
import dev.orbit.metanet.optim.Adam;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.LayerSpec;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.metanet.symmetry.PermutationGroup;
import dev.orbit.zoo.train.NativeMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One training step (forward, backward, Adam update) of NFN's Small CNN Zoo predictor: an invariant
 * NFN with hidden channels 16, 16, 5, its pool and an MLP head of width 1000 (depth 2), on a batch
 * of 32 Small CNN Zoo networks. Mirrors {@code tools/nfn-reference/bench_step.py}, which times the
 * reference implementation on the same configuration.
 *
 * <p>{@code threads} is libtorch's intra-op thread count, set before the engine starts (so each
 * value needs its own fork, JMH's default); 2 is the reference's setting and this machine's core
 * count. {@code retainFreedMemory=false} measures the step with glibc's default allocator settings,
 * under which every step faults its tensors' memory in again ({@link NativeMemory}). Leave
 * {@code OMP_WAIT_POLICY} unset: {@code PASSIVE} made the 2-thread step slower on an idle machine.
 * The step is {@code orbit train}'s ({@code MetanetTrainer}): forward through a ParameterStore,
 * the engine's gradient collector, Orbit's {@link Adam} (not DJL's Trainer and optimiser). Each step
 * runs in its own NDManager, so its arrays are freed when it ends, as in a training loop; the loss
 * read is the step's only host synchronisation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.default_engine=PyTorch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class MetanetStepBenchmark {

    private static final int BATCH = 32;
    private static final float LEARNING_RATE = 1e-3f;

    /** HNP: NFN's hnp_inv config; NP: NP layers with learned IO embeddings (NFN's NP-PosEmb). */
    @Param({"HNP", "NP"})
    public String variant;

    /** libtorch intra-op threads. */
    @Param({"1", "2"})
    public int threads;

    /** Whether glibc keeps freed memory for reuse ({@link NativeMemory}, every orbit command's default). */
    @Param({"true"})
    public boolean retainFreedMemory;

    private NDManager manager;
    private InvariantNfn model;
    private ParameterStore store;
    private Adam adam;
    private NDList input;
    private NDArray target;

    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads)); // read when the engine starts
        if (retainFreedMemory) {
            NativeMemory.retainFreedMemory(); // as orbit's main does; the fork does not run it
        }
        Engine.getInstance().setRandomSeed(42);
        NetworkSpec spec = NetworkSpec.smallCnnZoo(ActivationKind.RELU);
        PermutationGroup v = PermutationGroup.valueOf(variant);
        InvariantNfn nfn = InvariantNfn.builder()
                .setNetworkSpec(spec)
                .setVariant(v)
                .setOutputSize(1)
                .optHiddenChannels(16, 16, 5)
                .optHeadWidth(1000)
                .optHeadDepth(2)
                .optIoEmbedding(v == PermutationGroup.NP)
                .build();
        manager = NDManager.newBaseManager();
        model = nfn;
        input = randomNetworks(manager, spec, BATCH, new Random(7));
        model.initialize(manager, DataType.FLOAT32, input.getShapes());
        store = new ParameterStore(manager, false);
        adam = new Adam(manager, model.getParameters());
        float[] t = new float[BATCH];
        Random random = new Random(8);
        for (int i = 0; i < BATCH; i++) {
            t[i] = random.nextFloat();
        }
        target = manager.create(t, new Shape(BATCH, 1));
    }

    @Benchmark
    public void trainingStep(Blackhole blackhole) {
        try (NDManager step = manager.newSubManager()) {
            input.tempAttach(step); // the step's arrays follow their inputs into step and are freed with it
            target.tempAttach(step);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray prediction = model.forward(store, input, true).singletonOrThrow(); // (B, 1)
                NDArray loss = prediction.sub(target).square().mean(); // ()
                collector.backward(loss);
                blackhole.consume(loss.getFloat());
            }
            adam.step(LEARNING_RATE);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    /** Random Small CNN Zoo weights: N(0, 1/fan_in) weights, N(0, 0.01) biases, as the reference. */
    static NDList randomNetworks(NDManager manager, NetworkSpec spec, int batch, Random random) {
        List<NDArray> params = new ArrayList<>();
        for (LayerSpec layer : spec.layers()) {
            double std = Math.sqrt(1.0 / (layer.inNeurons() * layer.filterSize()));
            params.add(gaussian(manager, random, new Shape(batch).addAll(layer.weightShape()), std));
            params.add(gaussian(manager, random, new Shape(batch).addAll(layer.biasShape()), 0.1));
        }
        return WeightSpaceFeatures.fromParameterBatch(spec, params).toNDList();
    }

    private static NDArray gaussian(NDManager manager, Random random, Shape shape, double std) {
        float[] data = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextGaussian() * std);
        }
        return manager.create(data, shape);
    }
}
