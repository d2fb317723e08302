package dev.orbit.training.generate;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.orbit.training.metrics.KendallTau;
import dev.orbit.zoo.format.ZooMetricsRow;
import dev.orbit.zoo.format.ZooReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How well a generated, measured zoo ({@code orbit generate}, then {@code orbit zoo evaluate})
 * honours its conditions: the measured test accuracies' median and best, the Kendall tau between
 * requested and measured accuracy over the networks, and how many reached what they asked for.
 *
 * @param networks networks with a requested and a measured accuracy
 * @param median the measured accuracies' median
 * @param best the best measured accuracy
 * @param kendallTau tau-b between requested and measured accuracy (NaN when every request is the same)
 * @param reached networks whose measured accuracy is at least the requested one
 */
public record ConditioningScore(int networks, double median, double best, double kendallTau, int reached) {

    /**
     * Scores a zoo's final checkpoints against the requests its manifest records.
     *
     * @return the score, or null when the zoo is not a generated one or is not measured yet
     */
    public static ConditioningScore of(ZooReader zoo) throws IOException {
        JsonElement options = JsonParser.parseString(zoo.description().options());
        if (!options.isJsonObject() || !options.getAsJsonObject().has("target_accuracy")) {
            return null;
        }
        JsonObject o = options.getAsJsonObject();
        JsonArray requested = o.getAsJsonArray("target_accuracy");
        List<double[]> pairs = new ArrayList<>();
        for (ZooMetricsRow row : zoo.metrics()) {
            double measured = row.metrics().testAccuracy();
            if (row.epoch() == zoo.description().finalEpoch() && Double.isFinite(measured)
                    && row.networkId() < requested.size()) {
                pairs.add(new double[] {requested.get(row.networkId()).getAsDouble(), measured});
            }
        }
        if (pairs.isEmpty()) {
            return null;
        }
        double[] want = pairs.stream().mapToDouble(p -> p[0]).toArray();
        double[] got = pairs.stream().mapToDouble(p -> p[1]).toArray();
        int reached = 0;
        for (int i = 0; i < want.length; i++) {
            reached += got[i] >= want[i] ? 1 : 0;
        }
        double[] sorted = got.clone();
        Arrays.sort(sorted);
        boolean constant = Arrays.stream(want).distinct().count() == 1;
        return new ConditioningScore(got.length, GenerationRun.quantile(sorted, 0.5), sorted[sorted.length - 1],
                constant ? Double.NaN : KendallTau.tauB(want, got), reached);
    }
}
