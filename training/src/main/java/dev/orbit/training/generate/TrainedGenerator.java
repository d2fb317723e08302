package dev.orbit.training.generate;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.orbit.datasets.io.MalformedFileException;
import dev.orbit.datasets.zoo.ZooNormalization;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import dev.orbit.training.model.ParameterFiles;
import dev.orbit.training.model.RunFiles;
import dev.orbit.training.model.RunProvenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A fitted generative model of a zoo's weights, as saved in {@code RUN/model/}: the denoiser's
 * parameters ({@code denoiser.params}), {@code generator.json} (configuration, architecture,
 * normalisation, condition, the dataset and the training accuracies' spread) and
 * {@code provenance.json}. Loaded, it samples new networks for requested test accuracies.
 *
 * <p>Sampling is deterministic: network i of a call with seed s starts from Gaussian noise drawn
 * from its own generator, seeded by (s, i), so a network does not depend on how many others are
 * sampled with it, and the ODE sampler ({@link FlowMatching#sample}) adds no noise of its own.
 */
public final class TrainedGenerator implements AutoCloseable {

    /** The model's folder inside a run folder. */
    public static final String MODEL_FOLDER = "model";
    static final int FORMAT_VERSION = 1;
    private static final String PARAMETERS = "denoiser.params";
    private static final String META = "generator.json";
    private static final String LATENTS = "latents.json";
    /** Training networks nearest in accuracy the autoencoder baseline samples around. */
    static final int NEIGHBOURS = 10;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    private final NDManager manager;
    private final Denoiser denoiser;
    private final GeneratorConfig config;
    private final ZooNormalization normalization;
    private final ConditionEmbedding embedding;
    private final String dataset;
    private final Map<String, Double> targetSummary;
    private final RunProvenance provenance;
    private final Latents latents;

    /**
     * The autoencoder baseline's training latents, each with its network's test accuracy and activation.
     *
     * @param z one latent per training network
     * @param accuracy each one's test accuracy
     * @param activation each one's activation
     */
    public record Latents(float[][] z, double[] accuracy, ActivationKind[] activation) {}

    private TrainedGenerator(NDManager manager, Denoiser denoiser, GeneratorConfig config, ZooNormalization normalization,
            ConditionEmbedding embedding, String dataset, Map<String, Double> targetSummary, RunProvenance provenance,
            Latents latents) {
        this.latents = latents;
        this.manager = manager;
        this.denoiser = denoiser;
        this.config = config;
        this.normalization = normalization;
        this.embedding = embedding;
        this.dataset = dataset;
        this.targetSummary = targetSummary;
        this.provenance = provenance;
    }

    /** Saves a fitted denoiser and what sampling needs into {@code folder}. */
    static void save(Path folder, Denoiser denoiser, GeneratorConfig config, ZooNormalization normalization,
            ConditionEmbedding embedding, String dataset, Map<String, Double> targetSummary, Latents latents,
            RunProvenance provenance) throws IOException {
        Files.createDirectories(folder);
        Path params = folder.resolve(PARAMETERS);
        Path temp = folder.resolve(PARAMETERS + ".tmp");
        ParameterFiles.save(denoiser.block(), temp);
        Files.move(temp, params, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        JsonObject meta = new JsonObject();
        meta.addProperty("format_version", FORMAT_VERSION);
        meta.add("config", JsonParser.parseString(config.toJson()));
        meta.add("spec", JsonParser.parseString(denoiser.spec().toJson()));
        meta.add("normalization", JsonParser.parseString(normalization.toJson()));
        meta.addProperty("time_features", embedding.timeFeatures());
        JsonArray activations = new JsonArray();
        embedding.activations().forEach(a -> activations.add(a.id()));
        meta.add("activations", activations);
        if (dataset != null) {
            meta.addProperty("dataset", dataset);
        }
        meta.add("train_test_accuracy", GSON.toJsonTree(targetSummary));
        RunFiles.writeAtomically(folder.resolve(META), GSON.toJson(meta));
        RunFiles.writeAtomically(folder.resolve("provenance.json"), GSON.toJson(provenance.toJson()));
        if (latents != null) {
            RunFiles.writeAtomically(folder.resolve(LATENTS), GSON.toJson(latents));
        }
    }

    /**
     * Loads the model of a run folder (or of its {@code model/} folder).
     *
     * @throws MalformedFileException when a file is missing, malformed, or not this model's
     */
    public static TrainedGenerator load(Path run) throws IOException {
        Path folder = Files.isRegularFile(run.resolve(META)) ? run : run.resolve(MODEL_FOLDER);
        Path metaFile = folder.resolve(META);
        if (!Files.isRegularFile(metaFile)) {
            throw new MalformedFileException(run + " holds no generative model (no " + MODEL_FOLDER + "/" + META
                    + "); train one with 'orbit train generate'.");
        }
        JsonObject meta = RunFiles.readObject(metaFile);
        GeneratorConfig config;
        NetworkSpec spec;
        ZooNormalization normalization;
        ConditionEmbedding embedding;
        Map<String, Double> summary = new LinkedHashMap<>();
        RunProvenance provenance;
        Latents latents;
        try {
            if (meta.get("format_version").getAsInt() != FORMAT_VERSION) {
                throw new MalformedFileException(metaFile + " has format version " + meta.get("format_version")
                        + "; this Orbit reads " + FORMAT_VERSION + ".");
            }
            config = GeneratorConfig.fromJson(meta.get("config").toString());
            spec = NetworkSpec.fromJson(meta.get("spec").toString());
            normalization = ZooNormalization.fromJson(meta.get("normalization").toString());
            List<ActivationKind> activations = new ArrayList<>();
            meta.getAsJsonArray("activations").forEach(a -> activations.add(ActivationKind.parse(a.getAsString())));
            embedding = new ConditionEmbedding(meta.get("time_features").getAsInt(), normalization.targetMean(),
                    normalization.targetStd(), activations);
            meta.getAsJsonObject("train_test_accuracy").entrySet()
                    .forEach(e -> summary.put(e.getKey(), e.getValue().getAsDouble()));
            provenance = RunProvenance.fromJson(RunFiles.readObject(folder.resolve("provenance.json")));
            latents = config.isAutoencoder()
                    ? GSON.fromJson(RunFiles.readObject(folder.resolve(LATENTS)), Latents.class) : null;
            if (latents != null && (latents.z() == null || latents.z().length == 0 || latents.accuracy() == null
                    || latents.activation() == null || latents.accuracy().length != latents.z().length)) {
                throw new IllegalArgumentException(LATENTS + " holds no latents");
            }
        } catch (RuntimeException e) {
            throw new MalformedFileException(metaFile + " is not a generative model's description (" + e.getMessage()
                    + ").", e);
        }
        JsonElement datasetElement = meta.get("dataset");
        String dataset = datasetElement == null || datasetElement.isJsonNull() ? null : datasetElement.getAsString();
        NDManager manager = NDManager.newBaseManager();
        try {
            Denoiser denoiser = Denoiser.create(config, spec, embedding.size());
            denoiser.initialize(manager);
            ParameterFiles.load(denoiser.block(), manager, folder.resolve(PARAMETERS), false, "this generator's denoiser");
            return new TrainedGenerator(manager, denoiser, config, normalization, embedding, dataset, summary, provenance,
                    latents);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Samples networks.
     *
     * @param targets each network's requested test accuracy
     * @param activations each network's activation, one the model knows
     * @param seed the sampling seed; network i starts from noise seeded by (seed, ids[i])
     * @param ids the networks' ids, so a resumed generation draws the same networks
     * @param guidance the classifier-free guidance weight ({@link FlowMatching#sample}); 1 for none
     * @return each network's flat weights in the spec's canonical order
     */
    public float[][] sample(double[] targets, ActivationKind[] activations, long seed, int[] ids, double guidance) {
        int count = targets.length;
        int p = Math.toIntExact(spec().parameterCount());
        if (latents != null) {
            return sampleLatents(targets, activations, seed, ids);
        }
        float[] noise = new float[count * p];
        for (int i = 0; i < count; i++) {
            Random random = new Random(GenerationRun.mix(seed, ids[i]));
            for (int k = 0; k < p; k++) {
                noise[i * p + k] = (float) random.nextGaussian();
            }
        }
        try (NDManager pass = manager.newSubManager()) {
            WeightSpaceFeatures start = WeightSpaceFeatures.fromFlat(spec(), pass.create(noise, new Shape(count, p)));
            WeightSpaceFeatures sampled = sample(start, targets, activations, guidance, pass);
            float[] flat = normalization.denormalize(sampled).toFlat(spec()).toFloatArray(); // (B, P)
            float[][] out = new float[count][];
            for (int i = 0; i < count; i++) {
                out[i] = java.util.Arrays.copyOfRange(flat, i * p, (i + 1) * p);
            }
            return out;
        }
    }

    /**
     * The autoencoder baseline (Schürholt et al. 2022's kernel density sampling, conditioned by
     * choosing the latents): network i picks, with its own generator, one of the
     * {@value #NEIGHBOURS} training networks of its activation whose test accuracy is closest to its
     * target, and decodes that network's latent plus Gaussian noise of half the chosen group's
     * per-dimension standard deviation.
     */
    private float[][] sampleLatents(double[] targets, ActivationKind[] activations, long seed, int[] ids) {
        int count = targets.length;
        int d = latents.z()[0].length;
        float[] z = new float[count * d];
        for (int i = 0; i < count; i++) {
            Random random = new Random(GenerationRun.mix(seed, ids[i]));
            double target = targets[i];
            ActivationKind activation = activations[i];
            Integer[] order = java.util.stream.IntStream.range(0, latents.z().length).boxed()
                    .filter(j -> latents.activation()[j] == activation).toArray(Integer[]::new);
            if (order.length == 0) {
                throw new IllegalArgumentException("The autoencoder saw no network with activation " + activation.id());
            }
            java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(j -> Math.abs(latents.accuracy()[j] - target)));
            int k = Math.min(NEIGHBOURS, order.length);
            float[] chosen = latents.z()[order[random.nextInt(k)]];
            for (int c = 0; c < d; c++) {
                double mean = 0;
                double sq = 0;
                for (int j = 0; j < k; j++) {
                    double v = latents.z()[order[j]][c];
                    mean += v;
                    sq += v * v;
                }
                mean /= k;
                double std = Math.sqrt(Math.max(0, sq / k - mean * mean));
                z[i * d + c] = (float) (chosen[c] + 0.5 * std * random.nextGaussian());
            }
        }
        int p = Math.toIntExact(spec().parameterCount());
        try (NDManager pass = manager.newSubManager()) {
            WeightSpaceFeatures decoded = denoiser.decode(new ParameterStore(pass, false), pass.create(z, new Shape(count, d)));
            float[] flat = normalization.denormalize(decoded).toFlat(spec()).toFloatArray(); // (B, P)
            float[][] out = new float[count][];
            for (int i = 0; i < count; i++) {
                out[i] = java.util.Arrays.copyOfRange(flat, i * p, (i + 1) * p);
            }
            return out;
        }
    }

    /**
     * Integrates the flow from a given start in the standardised space (for tests: a permuted start
     * gives the permuted sample with the equivariant denoiser).
     */
    public WeightSpaceFeatures sample(WeightSpaceFeatures start, double[] targets, ActivationKind[] activations,
            double guidance, NDManager owner) {
        ParameterStore store = new ParameterStore(owner, false);
        return FlowMatching.sample(denoiser, store, embedding, start, targets, activations, config.samplingSteps(),
                guidance);
    }

    public NetworkSpec spec() {
        return denoiser.spec();
    }

    public GeneratorConfig config() {
        return config;
    }

    /** The activations the model was conditioned on, in the condition's order. */
    public List<ActivationKind> activations() {
        return embedding.activations();
    }

    /** The dataset the zoo's networks classify, or null when the zoo did not say. */
    public String dataset() {
        return dataset;
    }

    /** The training networks' test accuracies: min, median, p90, max. */
    public Map<String, Double> trainTestAccuracy() {
        return Map.copyOf(targetSummary);
    }

    public RunProvenance provenance() {
        return provenance;
    }

    @Override
    public void close() {
        manager.close();
    }
}
