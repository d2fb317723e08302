package dev.orbit.training.align;

import java.util.List;

/**
 * Model merging by averaging (Git Re-Basin §5; "model soups" without alignment): the mean of
 * networks that have first been aligned to one reference, so that averaged neurons play the same role.
 */
public final class Merging {

    private Merging() {}

    /**
     * Aligns every network to the first and averages all of them, entry by entry.
     *
     * @param networks flat weights of one architecture, the reference first
     * @param aligner the alignment to use
     * @param method weights or activations
     * @return the merged weights
     */
    public static float[] mergeAligned(List<float[]> networks, Aligner aligner, AlignMethod method) {
        if (networks.size() < 2) {
            throw new IllegalArgumentException("Merging needs at least two networks, got " + networks.size() + ".");
        }
        float[] reference = networks.get(0);
        double[] sum = new double[reference.length];
        add(sum, reference);
        for (int i = 1; i < networks.size(); i++) {
            add(sum, aligner.align(reference, networks.get(i), method).aligned());
        }
        float[] mean = new float[sum.length];
        for (int j = 0; j < sum.length; j++) {
            mean[j] = (float) (sum[j] / networks.size());
        }
        return mean;
    }

    private static void add(double[] sum, float[] w) {
        if (w.length != sum.length) {
            throw new IllegalArgumentException("Networks of " + sum.length + " and " + w.length + " weights");
        }
        for (int j = 0; j < w.length; j++) {
            sum[j] += w[j];
        }
    }
}
