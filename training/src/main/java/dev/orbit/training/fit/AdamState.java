package dev.orbit.training.fit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba 2015) over a block's trainable parameters, with its moments and step count
 * as saveable state, so an interrupted fit resumes with exactly the optimiser it stopped with (DJL's
 * own {@code Adam} keeps that state private).
 *
 * <p>Gradients are zeroed after each update: DJL's PyTorch gradient collector accumulates them.
 */
final class AdamState {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    private final List<Parameter> parameters = new ArrayList<>();
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private long steps;

    /** Fresh state (zero moments) for the trainable parameters of an initialised block. */
    AdamState(NDManager manager, PairList<String, Parameter> blockParameters) {
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
    void step(float lr) {
        steps++;
        double c1 = 1.0 - Math.pow(BETA1, steps);
        double c2 = 1.0 - Math.pow(BETA2, steps);
        float biasCorrected = (float) (lr * Math.sqrt(c2) / c1);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (int i = 0; i < parameters.size(); i++) {
                NDArray weight = parameters.get(i).getArray();
                NDArray grad = weight.getGradient();
                weight.getNDArrayInternal().adamUpdate(
                        new NDList(weight, grad, firstMoments.get(i), secondMoments.get(i)), new NDList(weight),
                        lr, biasCorrected, 0f, 1f, -1f, BETA1, BETA2, EPSILON, true, false);
            }
        }
    }

    /** Steps taken. */
    long steps() {
        return steps;
    }

    /** Writes the moments and the step count (DJL's NDList encoding). */
    void save(Path file) throws IOException {
        NDManager manager = firstMoments.isEmpty() ? null : firstMoments.get(0).getManager();
        NDList list = new NDList();
        list.addAll(firstMoments);
        list.addAll(secondMoments);
        if (manager != null) {
            try (NDManager scratch = manager.newSubManager()) {
                list.add(scratch.create(new long[] {steps}));
                try (OutputStream out = Files.newOutputStream(file)) {
                    list.encode(out);
                }
            }
        }
    }

    /** Restores state written by {@link #save}; the parameter list must be the same. */
    void load(Path file) throws IOException {
        if (firstMoments.isEmpty()) {
            return;
        }
        NDManager manager = firstMoments.get(0).getManager();
        try (NDManager scratch = manager.newSubManager(); InputStream in = Files.newInputStream(file)) {
            NDList list = NDList.decode(scratch, in);
            int n = firstMoments.size();
            if (list.size() != 2 * n + 1) {
                throw new IllegalStateException(file + " holds optimiser state for " + (list.size() - 1) / 2
                        + " parameters, the model has " + n + "; the checkpoint belongs to another model.");
            }
            for (int i = 0; i < n; i++) {
                firstMoments.get(i).set(list.get(i).toByteBuffer());
                secondMoments.get(i).set(list.get(n + i).toByteBuffer());
            }
            steps = list.get(2 * n).toLongArray()[0];
        }
    }
}
