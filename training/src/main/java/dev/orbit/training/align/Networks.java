package dev.orbit.training.align;

import dev.orbit.datasets.zoo.statedict.StateDictFile;
import dev.orbit.datasets.zoo.statedict.StateDictLayout;
import ai.djl.ndarray.types.Shape;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.training.predict.WeightsFile;
import dev.orbit.zoo.eval.NetworkRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The networks a command names: a weights file ({@code .safetensors}, {@code .npz} or DJL
 * {@code .params}) or a zoo row {@code ZOO#index}. Files take their architecture from a zoo row
 * named alongside, else from {@code --zoo}, else from their own shapes when every layer is dense (an
 * MLP; a convolution's stride and padding are not in its shapes). Every network must have the same
 * architecture and hidden activation.
 */
public final class Networks {

    private Networks() {}

    /**
     * One network.
     *
     * @param name how the command line named it
     * @param spec its architecture, with its own hidden activation
     * @param weights flat canonical weights
     * @param dataset the dataset it was trained on when known (a row of an Orbit zoo), else null
     */
    public record Network(String name, NetworkSpec spec, float[] weights, String dataset) {}

    /**
     * Reads networks.
     *
     * @param refs files or {@code ZOO#index}
     * @param zoo a zoo whose architecture and dataset the files have, or null
     * @param activation the files' hidden activation, or null for the architecture's
     * @throws IllegalArgumentException when the architectures differ or cannot be known
     */
    public static List<Network> load(List<String> refs, Path zoo, ActivationKind activation) throws IOException {
        List<Network> rows = new ArrayList<>();
        List<Integer> rowPositions = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            ZooRef ref = ZooRef.parse(refs.get(i));
            if (ref != null) {
                try (ZooRows zooRows = ZooRows.open(ref.folder())) {
                    rows.add(zooRows.row(ref.index()));
                }
                rowPositions.add(i);
            }
        }
        NetworkSpec template = null;
        String dataset = null;
        String templateSource = null;
        if (!rows.isEmpty()) {
            template = rows.get(0).spec();
            dataset = rows.get(0).dataset();
            templateSource = rows.get(0).name();
        } else if (zoo != null) {
            templateSource = zoo.toString();
            try (ZooRows zooRows = ZooRows.open(zoo)) {
                template = zooRows.source().spec();
                dataset = zooRows.dataset();
            }
        }
        List<Network> out = new ArrayList<>();
        int nextRow = 0;
        for (int i = 0; i < refs.size(); i++) {
            if (nextRow < rowPositions.size() && rowPositions.get(nextRow) == i) {
                out.add(rows.get(nextRow++));
                continue;
            }
            Path file = Path.of(refs.get(i));
            if (template == null) {
                template = inferMlp(file, activation == null ? ActivationKind.RELU : activation);
                templateSource = file.toString();
            }
            NetworkSpec spec = activation == null ? template : NetworkRunner.withHiddenActivation(template, activation);
            float[] weights = WeightsFile.read(file, spec, "the architecture of " + templateSource);
            out.add(new Network(file.toString(), spec, weights, dataset));
        }
        requireOneArchitecture(out);
        return out;
    }

    private static NetworkSpec inferMlp(Path file, ActivationKind activation) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "the weights file does not exist");
        }
        if (!StateDictFile.isSupported(file)) {
            throw new IllegalArgumentException(file + ": name the architecture with a zoo row (ZOO#index) or --zoo DIR;"
                    + " only .safetensors and .npz files tell their own.");
        }
        List<Shape> shapes = StateDictLayout.parameterShapes(StateDictFile.read(file), file.toString());
        for (Shape s : shapes) {
            if (s.dimension() > 2) {
                throw new IllegalArgumentException(file + " holds convolutions: name the architecture with a zoo row"
                        + " (ZOO#index) or --zoo DIR.");
            }
        }
        return NetworkSpec.fromShapes(shapes, new long[] {shapes.get(0).get(1)}, activation, 1, 0);
    }

    private static void requireOneArchitecture(List<Network> networks) {
        Network first = networks.get(0);
        for (Network n : networks) {
            if (!n.spec().equals(first.spec())) {
                throw new IllegalArgumentException(n.name() + " is " + n.spec().describe() + " but " + first.name() + " is "
                        + first.spec().describe() + ": networks of one architecture and activation only.");
            }
        }
    }

    /** {@code folder#index}, when the part before the last '#' is a folder. */
    record ZooRef(Path folder, int index) {
        static ZooRef parse(String ref) throws IOException {
            int hash = ref.lastIndexOf('#');
            if (hash <= 0 || Files.isRegularFile(Path.of(ref))) {
                return null;
            }
            Path folder = Path.of(ref.substring(0, hash));
            if (!Files.isDirectory(folder)) {
                throw new NoSuchFileException(folder.toString(), null, "no such zoo folder (named by " + ref + ")");
            }
            try {
                return new ZooRef(folder, Integer.parseInt(ref.substring(hash + 1).strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(ref + ": expected ZOO#index with a row number after '#'.");
            }
        }
    }
}
