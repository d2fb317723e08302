package dev.orbit.training.predict;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.datasets.zoo.ZooNormalization;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.training.model.MetanetConfig;
import dev.orbit.training.model.MetanetFactory;
import dev.orbit.training.model.ParameterFiles;
import dev.orbit.training.model.RunFiles;
import dev.orbit.training.model.RunProvenance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A fitted metanet as saved in a run folder ({@code RUN/model/}): DJL parameters
 * ({@code metanet-0000.params}, written by {@link Model#save}), the model config and target
 * ({@code metanet.json}), the architecture it reads ({@code spec.json}), the normalisation
 * statistics fitted on the training split ({@code normalization.json}) and provenance
 * ({@code provenance.json}). Loaded, it predicts the target of any network of that architecture.
 */
public final class TrainedMetanet implements AutoCloseable {

    /** Version of the {@code metanet.json} layout. */
    public static final int FORMAT_VERSION = 1;

    /** Sub-folder of a run that holds the model. */
    public static final String MODEL_FOLDER = "model";

    private static final String MODEL_NAME = "metanet";
    /** The parameter file {@code Model.save} writes for epoch 0. */
    private static final String PARAMETERS = MODEL_NAME + "-0000.params";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    private final Model model;
    private final MetanetConfig config;
    private final NetworkSpec spec;
    private final ZooNormalization normalization;
    private final String target;
    private final RunProvenance provenance;

    private TrainedMetanet(Model model, MetanetConfig config, NetworkSpec spec, ZooNormalization normalization,
            String target, RunProvenance provenance) {
        this.model = model;
        this.config = config;
        this.spec = spec;
        this.normalization = normalization;
        this.target = target;
        this.provenance = provenance;
    }

    /**
     * Saves a fitted block and what is needed to use it into {@code modelFolder}.
     *
     * @param provenance the zoo, split, seed and build it was trained with
     */
    public static void save(Path modelFolder, Block block, MetanetConfig config, NetworkSpec spec,
            ZooNormalization normalization, RunProvenance provenance) throws IOException {
        Files.createDirectories(modelFolder);
        try (Model model = Model.newInstance(MODEL_NAME)) {
            model.setBlock(block);
            model.setProperty("orbit.model", config.name());
            model.setProperty("Epoch", "0"); // always PARAMETERS: Model.save would otherwise number a new file
            model.save(modelFolder, MODEL_NAME);
        }
        JsonObject meta = new JsonObject();
        meta.addProperty("format_version", FORMAT_VERSION);
        meta.addProperty("target", normalization.target());
        meta.add("model", JsonParser.parseString(config.toJson()));
        meta.addProperty("parameters", PARAMETERS);
        write(modelFolder.resolve("metanet.json"), GSON.toJson(meta));
        write(modelFolder.resolve("spec.json"), spec.toJson());
        normalization.write(modelFolder.resolve("normalization.json"));
        write(modelFolder.resolve("provenance.json"), GSON.toJson(provenance.toJson()));
    }

    /**
     * Loads the model of a run folder (or of its {@code model} sub-folder).
     *
     * @throws IllegalArgumentException when the folder holds no trained model
     */
    public static TrainedMetanet load(Path run) throws IOException {
        Path folder = Files.isRegularFile(run.resolve("metanet.json")) ? run : run.resolve(MODEL_FOLDER);
        if (!Files.isDirectory(run)) {
            throw new NoSuchFileException(run.toString(), null, "the run folder does not exist");
        }
        if (!Files.isRegularFile(folder.resolve("metanet.json"))) {
            throw new IllegalArgumentException(run + " holds no trained model (expected " + folder.resolve("metanet.json")
                    + "); train one with: orbit train predict-accuracy --out " + run);
        }
        Path metaFile = folder.resolve("metanet.json");
        JsonObject meta = RunFiles.readObject(metaFile);
        String version = RunFiles.requireString(meta, "format_version", metaFile);
        if (!version.equals(Integer.toString(FORMAT_VERSION))) {
            throw new IllegalArgumentException(metaFile + " has format version " + version + "; this Orbit reads version "
                    + FORMAT_VERSION + ".");
        }
        String target = RunFiles.requireString(meta, "target", metaFile);
        MetanetConfig config;
        NetworkSpec spec;
        RunProvenance provenance;
        try {
            config = MetanetConfig.fromJson(String.valueOf(meta.get("model")));
            spec = NetworkSpec.fromJson(read(folder.resolve("spec.json")));
            Path prov = folder.resolve("provenance.json");
            provenance = RunProvenance.fromJson(Files.isRegularFile(prov) ? RunFiles.readObject(prov) : new JsonObject());
        } catch (RuntimeException e) {
            throw new MalformedFileException(folder + " holds a model description Orbit cannot read (metanet.json,"
                    + " spec.json or provenance.json: " + e.getMessage() + ").", e);
        }
        ZooNormalization normalization = ZooNormalization.read(folder.resolve("normalization.json"));
        Block block = MetanetFactory.create(config, spec);
        Model model = Model.newInstance(MODEL_NAME);
        try {
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, inputShapes(spec));
            ParameterFiles.load(block, model.getNDManager(), folder.resolve(PARAMETERS), true,
                    "the parameters of " + config.describe());
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return new TrainedMetanet(model, config, spec, normalization, target, provenance);
    }

    /** Predicts the target for one network's canonical flat weights, in the target's units. */
    public double predict(float[] weights) {
        return predict(List.of(weights))[0];
    }

    /** Predicts the target for several networks; a non-finite prediction is an error naming the network. */
    public double[] predict(List<float[]> networks) {
        double[] out = forward(networks);
        for (int i = 0; i < out.length; i++) {
            requireFinite(out[i], networks.get(i), "network " + i);
        }
        return out;
    }

    /** The denormalised outputs for several networks. */
    private double[] forward(List<float[]> networks) {
        int p = Math.toIntExact(spec.parameterCount());
        float[] all = new float[networks.size() * p];
        for (int i = 0; i < networks.size(); i++) {
            float[] w = networks.get(i);
            if (w.length != p) {
                throw new IllegalArgumentException("Network " + i + " has " + w.length + " weights; the run's spec ("
                        + spec.describe() + ") has " + p + ".");
            }
            System.arraycopy(w, 0, all, i * p, p);
        }
        try (NDManager scratch = model.getNDManager().newSubManager()) {
            return predict(WeightSpaceFeatures.fromFlat(spec, scratch.create(all, new Shape(networks.size(), p))));
        }
    }

    /**
     * Predicts the target for a batch of networks of the run's spec given as raw per-layer tensors
     * (C = 1, e.g. {@code ModelZooSource.features}); normalised with the run's statistics on the
     * engine. Returns one value per network, in the target's units.
     */
    public double[] predict(WeightSpaceFeatures raw) {
        try (NDManager scratch = model.getNDManager().newSubManager()) {
            NDList input = normalization.normalize(raw).toNDList();
            float[] z = model.getBlock().forward(new ParameterStore(scratch, false), input, false)
                    .singletonOrThrow().reshape(-1).toFloatArray();
            double[] out = new double[z.length];
            for (int i = 0; i < z.length; i++) {
                out[i] = normalization.denormalizeTarget(z[i]);
            }
            return out;
        }
    }

    /**
     * Reads a weights file and predicts its target; another architecture, a non-finite weight or a
     * non-finite prediction is a one-line error naming the file.
     */
    public double predict(Path weightsFile) throws IOException {
        float[] weights = WeightsFile.read(weightsFile, spec, "the run's spec");
        double y = forward(List.of(weights))[0];
        requireFinite(y, weights, weightsFile.toString());
        return y;
    }

    /** Finite weights far outside the zoo's range can still overflow the metanet: never return that as a result. */
    private static void requireFinite(double prediction, float[] weights, String network) {
        if (!Double.isFinite(prediction)) {
            float largest = 0;
            for (float w : weights) {
                largest = Math.max(largest, Math.abs(w));
            }
            throw new IllegalArgumentException(network + ": the prediction is " + prediction + "; its weights (largest"
                    + " magnitude " + largest + ") are far outside what the metanet was trained on.");
        }
    }

    public MetanetConfig config() {
        return config;
    }

    public NetworkSpec spec() {
        return spec;
    }

    public String target() {
        return target;
    }

    public ZooNormalization normalization() {
        return normalization;
    }

    /** Where the model came from, as saved with it. */
    public RunProvenance provenance() {
        return provenance;
    }

    @Override
    public void close() {
        model.close();
    }

    private static Shape[] inputShapes(NetworkSpec spec) {
        List<Shape> shapes = new ArrayList<>();
        for (int l = 0; l < spec.numLayers(); l++) {
            var layer = spec.layer(l);
            shapes.add(new Shape(1, layer.outNeurons(), layer.inNeurons(), layer.filterSize()));
            shapes.add(new Shape(1, layer.outNeurons(), 1));
        }
        return shapes.toArray(new Shape[0]);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
