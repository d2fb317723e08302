package dev.orbit.datasets.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import dev.orbit.metanet.space.WeightSpaceFeatures;
import java.io.IOException;

/**
 * One split of a model zoo as a DJL dataset: item i is network {@code rows[i]} of a
 * {@link ModelZooSource}, its data the weight-space features (docs/DESIGN.md §2) and its label the
 * target.
 *
 * <p>{@link #get} returns the interleaved list W_0, b_0, W_1, b_1, ... without a batch axis —
 * weights (n_l, n_{l-1}, C_l) and biases (n_l, 1) — so DJL's default stacking batchifier yields
 * the (B, ...) layout metanets read; {@link #getBatch} builds a batch directly. A batch's networks
 * are read from the source when asked for, straight into per-layer tensors, then optionally moved
 * along their symmetry orbits ({@link SymmetryAugmentation}, drawn per epoch and index) and
 * normalised ({@link ZooNormalization}), each step one set of engine calls for the whole batch; the
 * label is the normalised target when statistics are set.
 */
public final class ModelZooDataset extends RandomAccessDataset {

    private final ModelZooSource source;
    private final String target;
    private final int[] rows;
    private final ZooNormalization normalization;
    private final SymmetryAugmentation augmentation;
    private volatile int epoch;
    private boolean prepared;

    private ModelZooDataset(Builder builder) {
        super(builder);
        this.source = builder.source;
        this.target = builder.target;
        this.rows = builder.rows;
        this.normalization = builder.normalization;
        this.augmentation = builder.augmentation;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Checks the rows and the target against the source; idempotent. */
    @Override
    public void prepare(Progress progress) {
        if (prepared) {
            return;
        }
        if (!source.targetNames().contains(target)) {
            throw new IllegalArgumentException(source.describe() + " has no target '" + target + "'; it provides "
                    + String.join(", ", source.targetNames()));
        }
        for (int r : rows) {
            if (r < 0 || r >= source.size()) {
                throw new IllegalArgumentException("Row " + r + " is outside the " + source.size() + " networks of "
                        + source.describe());
            }
        }
        if (progress != null) {
            progress.reset("Zoo split", rows.length);
            progress.end();
        }
        prepared = true;
    }

    @Override
    public Record get(NDManager manager, long index) throws IOException {
        NDList features = features(manager, new long[] {index}).toNDList(); // B = 1
        NDList data = new NDList(features.size());
        for (NDArray a : features) {
            data.add(a.squeeze(0)); // (n_l, n_{l-1}, C_l) or (n_l, 1)
        }
        NDArray label = manager.create(new float[] {(float) label(index)}); // (1)
        return new Record(data, new NDList(label));
    }

    /**
     * A batch of items as (data, labels): data the interleaved features with a batch axis
     * (B, n_l, n_{l-1}, C_l) and (B, n_l, 1), labels (B).
     */
    public NDList[] getBatch(NDManager manager, long[] indices) throws IOException {
        float[] labels = new float[indices.length];
        for (int i = 0; i < indices.length; i++) {
            labels[i] = (float) label(indices[i]);
        }
        return new NDList[] {features(manager, indices).toNDList(), new NDList(manager.create(labels))};
    }

    /**
     * The metanet input of a batch of items, on the engine: the networks read as per-layer tensors,
     * moved along their orbits as one batch (when augmentation is set, with the current epoch's
     * actions), then normalised as one batch (when statistics are set).
     *
     * @return weights (B, n_l, n_{l-1}, C_l) and biases (B, n_l, 1) on {@code manager}
     */
    public WeightSpaceFeatures features(NDManager manager, long[] indices) throws IOException {
        int[] sourceRows = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            sourceRows[i] = sourceRow(indices[i]);
        }
        WeightSpaceFeatures x = source.features(manager, sourceRows);
        if (augmentation != null) {
            ActivationKind[] activations = new ActivationKind[sourceRows.length];
            for (int i = 0; i < sourceRows.length; i++) {
                activations[i] = source.activation(sourceRows[i]);
            }
            x = augmentation.apply(x, source.spec(), activations, epoch, indices);
        }
        return normalization == null ? x : normalization.normalize(x);
    }

    /** The metanet input of item {@code index} as flat canonical weights ({@link #features} of one item). */
    public float[] inputWeights(long index) throws IOException {
        try (NDManager scratch = NDManager.newBaseManager()) {
            return features(scratch, new long[] {index}).toFlat(source.spec()).toFloatArray();
        }
    }

    /** The label of item {@code index}: the target, normalised when statistics are set. */
    public double label(long index) {
        double y = rawTarget(index);
        return normalization == null ? y : normalization.normalizeTarget(y);
    }

    /** The target of item {@code index} in its own units. */
    public double rawTarget(long index) {
        return source.target(sourceRow(index), target);
    }

    /** The source row of item {@code index}. */
    public int sourceRow(long index) {
        if (index < 0 || index >= rows.length) {
            throw new IndexOutOfBoundsException("Item " + index + " is outside [0, " + rows.length + ")");
        }
        return rows[(int) index];
    }

    /** Sets the epoch that seeds augmentation; call at the start of each epoch. */
    public void setEpoch(int epoch) {
        this.epoch = epoch;
    }

    public int getEpoch() {
        return epoch;
    }

    public ModelZooSource getSource() {
        return source;
    }

    public NetworkSpec getSpec() {
        return source.spec();
    }

    public String getTarget() {
        return target;
    }

    /** Normalisation statistics, or null. */
    public ZooNormalization getNormalization() {
        return normalization;
    }

    /** Augmentation, or null. */
    public SymmetryAugmentation getAugmentation() {
        return augmentation;
    }

    /** The source rows of this split, in item order. */
    public int[] getRows() {
        return rows.clone();
    }

    @Override
    protected long availableSize() {
        return rows.length;
    }

    /** Builds a {@link ModelZooDataset}: {@code setSource} and {@code setTarget} are required. */
    public static final class Builder extends BaseBuilder<Builder> {
        private ModelZooSource source;
        private String target;
        private int[] rows;
        private ZooNormalization normalization;
        private SymmetryAugmentation augmentation;

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /** Required: the zoo. */
        public Builder setSource(ModelZooSource source) {
            this.source = source;
            return this;
        }

        /** Required: the target name, e.g. {@link ModelZooSource#TEST_ACCURACY}. */
        public Builder setTarget(String target) {
            this.target = target;
            return this;
        }

        /** Optional: the source rows of this split, in item order; default every row. */
        public Builder optRows(int[] rows) {
            this.rows = rows.clone();
            return this;
        }

        /** Optional: statistics (fitted on the training split) applied to weights and label. */
        public Builder optNormalization(ZooNormalization normalization) {
            this.normalization = normalization;
            return this;
        }

        /** Optional: symmetry augmentation (for the training split). */
        public Builder optAugmentation(SymmetryAugmentation augmentation) {
            this.augmentation = augmentation;
            return this;
        }

        /** Builds the dataset; without {@code setSampling} it samples sequentially in batches of 32. */
        public ModelZooDataset build() {
            if (source == null) {
                throw new IllegalArgumentException("ModelZooDataset needs setSource(source)");
            }
            if (target == null) {
                throw new IllegalArgumentException("ModelZooDataset needs setTarget(name), e.g. test_accuracy");
            }
            if (rows == null) {
                rows = new int[source.size()];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = i;
                }
            }
            if (normalization != null && !target.equals(normalization.target())) {
                throw new IllegalArgumentException("The normalisation statistics are for target '" + normalization.target()
                        + "', the dataset's target is '" + target + "'");
            }
            if (sampler == null) {
                setSampling(32, false);
            }
            return new ModelZooDataset(this);
        }
    }
}
