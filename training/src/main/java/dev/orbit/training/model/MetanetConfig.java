package dev.orbit.training.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.Arrays;
import java.util.Objects;

/**
 * What {@link MetanetFactory} builds: a model name and its sizes. Defaults follow NFN's accuracy
 * predictor (Zhou et al. 2023, {@code predict_gen_configs}): equivariant channels 16, 16, 5 and an
 * MLP head of width 1000 and depth 2; StatNN and the flat MLP use the same head.
 *
 * @param name one of {@link MetanetFactory#names()}
 * @param hiddenChannels channels of the equivariant layers (NFN models only)
 * @param headWidth width of the head's hidden layers
 * @param headDepth hidden layers of the head
 * @param dropout dropout rate in the head
 * @param sigmoidOutput squash the output into (0, 1) (NFN's {@code sigmoid: true}), for targets
 *     that are rates such as test accuracy, fitted with the BCE loss
 */
public record MetanetConfig(String name, int[] hiddenChannels, int headWidth, int headDepth, float dropout,
        boolean sigmoidOutput) {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    public MetanetConfig {
        Objects.requireNonNull(name, "name");
        hiddenChannels = hiddenChannels == null ? new int[0] : hiddenChannels.clone();
        for (int c : hiddenChannels) {
            if (c <= 0) {
                throw new IllegalArgumentException("Hidden channels must be positive, got " + Arrays.toString(hiddenChannels));
            }
        }
        if (headWidth <= 0 || headDepth < 0) {
            throw new IllegalArgumentException("Head width must be positive and depth non-negative, got width "
                    + headWidth + " and depth " + headDepth);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("Dropout must be in [0, 1), got " + dropout);
        }
    }

    /** The defaults for a model name; unknown names are reported with the known ones. */
    public static MetanetConfig defaults(String name) {
        MetanetFactory.requireKnown(name);
        boolean nfn = name.startsWith("nfn-");
        return new MetanetConfig(name, nfn ? new int[] {16, 16, 5} : new int[0], 1000, 2, 0f, false);
    }

    @Override
    public int[] hiddenChannels() {
        return hiddenChannels.clone();
    }

    public MetanetConfig withHiddenChannels(int... channels) {
        return new MetanetConfig(name, channels, headWidth, headDepth, dropout, sigmoidOutput);
    }

    public MetanetConfig withHeadWidth(int width) {
        return new MetanetConfig(name, hiddenChannels, width, headDepth, dropout, sigmoidOutput);
    }

    public MetanetConfig withHeadDepth(int depth) {
        return new MetanetConfig(name, hiddenChannels, headWidth, depth, dropout, sigmoidOutput);
    }

    public MetanetConfig withDropout(float rate) {
        return new MetanetConfig(name, hiddenChannels, headWidth, headDepth, rate, sigmoidOutput);
    }

    public MetanetConfig withSigmoidOutput(boolean sigmoid) {
        return new MetanetConfig(name, hiddenChannels, headWidth, headDepth, dropout, sigmoid);
    }

    /** One line, e.g. {@code nfn-hnp channels [16, 16, 5] head 1000x2}. */
    public String describe() {
        return name + (hiddenChannels.length > 0 ? " channels " + Arrays.toString(hiddenChannels) : "") + " head "
                + headWidth + "x" + headDepth + (dropout > 0 ? " dropout " + dropout : "")
                + (sigmoidOutput ? " sigmoid" : "");
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    public static MetanetConfig fromJson(String json) {
        MetanetConfig c = GSON.fromJson(json, MetanetConfig.class);
        if (c == null || c.name == null) {
            throw new IllegalArgumentException("Not a metanet config JSON: " + json);
        }
        return new MetanetConfig(c.name, c.hiddenChannels, c.headWidth, c.headDepth, c.dropout, c.sigmoidOutput);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetanetConfig c && name.equals(c.name) && Arrays.equals(hiddenChannels, c.hiddenChannels)
                && headWidth == c.headWidth && headDepth == c.headDepth && dropout == c.dropout
                && sigmoidOutput == c.sigmoidOutput;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(hiddenChannels), headWidth, headDepth, dropout, sigmoidOutput);
    }

    @Override
    public String toString() {
        return describe();
    }
}
