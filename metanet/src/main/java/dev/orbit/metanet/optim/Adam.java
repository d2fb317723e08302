package dev.orbit.metanet.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba 2015), β1 = 0.9, β2 = 0.999, ε = 1e-8, with bias correction: Orbit's one Adam.
 * An instance updates a block's trainable parameters ({@link #step}), with its moments and step
 * count as saveable state, so an interrupted fit resumes with exactly the optimiser it stopped with
 * (DJL's own {@code Adam} keeps that state private). {@link #stackedStep} is the same algorithm for M
 * networks stacked into one array, each row with its own learning rate (the zoo trainer).
 *
 * <p>The two forms place ε as their reference implementations do, so that each keeps its results
 * bit for bit: {@link #step} uses the engine's fused kernel, which adds ε to √v and folds both bias
 * corrections into the step size (the paper's "efficient" form, as DJL and Keras); {@link #stackedStep}
 * adds ε to the bias-corrected √v̂, as torch.optim.Adam. They differ only when √v̂ is near ε.
 *
 * <p>Gradients are zeroed after each {@link #step}: DJL's PyTorch gradient collector accumulates them.
 *
 * <p>The engine's update makes about a dozen passes over a parameter, five of them into fresh
 * temporaries. For a large parameter (the metanet head's 1000 x 1000 matrix, the HNP layers'
 * global terms) every pass went to main memory, and the update took close to a third of a batch-8
 * training step of {@code nfn-hnp}. Such a parameter is therefore updated in slices of
 * {@link #DEFAULT_SLICE} elements, whose arrays and temporaries stay in cache between the passes
 * (the update's time per step fell by about a quarter). The arithmetic per element is unchanged,
 * so the result equals the unsliced update bit for bit.
 */
public final class Adam {

    public static final float BETA1 = 0.9f;
    public static final float BETA2 = 0.999f;
    public static final float EPSILON = 1e-8f;

    /**
     * Elements per slice of a large parameter's update (256 KB of floats per array): small enough
     * that a slice's arrays and the update's temporaries stay in cache, large enough that the
     * per-call overhead stays small. A multiple of 64, so vectorised loops split a slice as they
     * split the whole parameter and only the parameter's own tail takes the scalar path.
     */
    public static final long DEFAULT_SLICE = 65_536;

    private final List<Parameter> parameters = new ArrayList<>();
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private final long slice;
    private long steps;

    /** Fresh state (zero moments) for the trainable parameters of an initialised block. */
    public Adam(NDManager manager, PairList<String, Parameter> blockParameters) {
        this(manager, blockParameters, DEFAULT_SLICE);
    }

    /** As {@link #Adam(NDManager, PairList)}, updating parameters larger than {@code slice} elements in slices. */
    public Adam(NDManager manager, PairList<String, Parameter> blockParameters, long slice) {
        if (slice <= 0 || slice % 64 != 0) {
            throw new IllegalArgumentException("The update slice must be a positive multiple of 64 elements, got " + slice);
        }
        this.slice = slice;
        for (Pair<String, Parameter> p : blockParameters) {
            Parameter parameter = p.getValue();
            if (!parameter.requiresGradient()) {
                continue;
            }
            NDArray array = parameter.getArray();
            parameters.add(parameter);
            firstMoments.add(manager.zeros(array.getShape(), array.getDataType()));
            secondMoments.add(manager.zeros(array.getShape(), array.getDataType()));
        }
    }

    /**
     * One Adam step with learning rate {@code lr} from the gradients the last backward pass left,
     * with the engine's fused update (m, v and the weight in place; gradient zeroed).
     */
    public void step(float lr) {
        steps++;
        float biasCorrected = (float) (lr * Math.sqrt(biasCorrection(BETA2, steps)) / biasCorrection(BETA1, steps));
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (int i = 0; i < parameters.size(); i++) {
                NDArray weight = parameters.get(i).getArray();
                NDArray grad = weight.getGradient();
                NDArray m = firstMoments.get(i);
                NDArray v = secondMoments.get(i);
                long size = weight.size();
                if (size <= slice) {
                    update(weight, grad, m, v, lr, biasCorrected); // zeroes weight's gradient
                    continue;
                }
                // Flat views share the arrays' memory (all are contiguous), and so do their slices:
                // the in-place update of a slice writes the parameter and its moments.
                NDArray flatWeight = weight.reshape(-1);
                NDArray flatGrad = grad.reshape(-1);
                NDArray flatM = m.reshape(-1);
                NDArray flatV = v.reshape(-1);
                for (long from = 0; from < size; from += slice) {
                    NDIndex part = new NDIndex().addSliceDim(from, Math.min(size, from + slice));
                    update(flatWeight.get(part), flatGrad.get(part), flatM.get(part), flatV.get(part), lr, biasCorrected);
                }
                zero(grad); // a slice is not the parameter, so the engine left its gradient alone
            }
        }
    }

    /** The engine's fused Adam update of {@code weight} in place; zeroes its gradient when it has one. */
    private static void update(NDArray weight, NDArray grad, NDArray m, NDArray v, float lr, float biasCorrected) {
        weight.getNDArrayInternal().adamUpdate(new NDList(weight, grad, m, v), new NDList(weight),
                lr, biasCorrected, 0f, 1f, -1f, BETA1, BETA2, EPSILON, true, false);
    }

    /**
     * One Adam step of M stacked networks at once, torch.optim's form: updates the moments in place
     * and returns the change to subtract from the parameters. Call with the gradient mode off.
     *
     * @param m (M, size) first moments, updated in place
     * @param v (M, size) second moments, updated in place
     * @param g (M, size) gradients (weight decay already added)
     * @param lr (M, 1) learning rates, one per network
     * @param step 1-based step count, for the bias corrections
     * @return (M, size) the update, to subtract
     */
    public static NDArray stackedStep(NDArray m, NDArray v, NDArray g, NDArray lr, long step) {
        m.muli(BETA1).addi(g.mul(1f - BETA1));
        v.muli(BETA2).addi(g.mul(g).muli(1f - BETA2));
        float bias1 = (float) biasCorrection(BETA1, step);
        float bias2Sqrt = (float) Math.sqrt(biasCorrection(BETA2, step));
        NDArray denom = v.sqrt().divi(bias2Sqrt).addi(EPSILON); // (M, size)
        return lr.div(bias1).mul(m.div(denom));
    }

    /** 1 - β^t, the correction of a moment's bias towards its zero start after t steps. */
    private static double biasCorrection(float beta, long step) {
        return 1.0 - Math.pow(beta, step);
    }

    /**
     * Zeroes every parameter's gradient without updating: a step whose loss is not finite is
     * skipped, and its gradients must not leak into the next step's (the collector accumulates).
     */
    public void discardGradients() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Parameter p : parameters) {
                NDArray grad = p.getArray().getGradient();
                if (grad != null) {
                    zero(grad);
                }
            }
        }
    }

    /** Sets a gradient to zero in place, NaN and infinity included (multiplying by 0 would keep NaN). */
    private static void zero(NDArray grad) {
        grad.set(new NDIndex(":"), 0f);
    }

    /** Steps taken. */
    public long steps() {
        return steps;
    }

    /** Writes the moments and the step count (DJL's NDList encoding). */
    public void save(Path file) throws IOException {
        Files.write(file, encode());
    }

    /** The bytes {@link #save} writes: a reader checks a file against this layout before decoding it. */
    public byte[] encode() throws IOException {
        NDManager manager = firstMoments.isEmpty() ? null : firstMoments.get(0).getManager();
        if (manager == null) {
            return new byte[0];
        }
        NDList list = new NDList();
        list.addAll(firstMoments);
        list.addAll(secondMoments);
        try (NDManager scratch = manager.newSubManager()) {
            list.add(scratch.create(new long[] {steps}));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            list.encode(out);
            return out.toByteArray();
        }
    }

    /**
     * Restores state written by {@link #save} from a stream the caller has checked against
     * {@link #encode()}'s layout (DJL's decoder allocates what a file declares); the parameter list
     * must be the same.
     */
    public void load(InputStream in) throws IOException {
        if (firstMoments.isEmpty()) {
            return;
        }
        NDManager manager = firstMoments.get(0).getManager();
        try (NDManager scratch = manager.newSubManager()) {
            NDList list = NDList.decode(scratch, in);
            int n = firstMoments.size();
            for (int i = 0; i < n; i++) {
                // indexed copies: NDArray.set(Buffer) makes libtorch print a deprecation warning
                firstMoments.get(i).set(new NDIndex("..."), list.get(i));
                secondMoments.get(i).set(new NDIndex("..."), list.get(n + i));
            }
            steps = list.get(2 * n).toLongArray()[0];
        }
    }
}
