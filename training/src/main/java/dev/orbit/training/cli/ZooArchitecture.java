package dev.orbit.training.cli;

import dev.orbit.metanet.space.ActivationKind;
import dev.orbit.metanet.space.NetworkSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The {@code --arch} values of {@code orbit zoo generate}: {@code cnn-zoo} (the Small CNN Zoo CNN,
 * Unterthiner et al. 2020) or {@code mlp:W1,W2,...,K} (hidden widths then classes; the input is the
 * flattened image). Hidden activations are per member (drawn from the hyperparameter space); the
 * spec records ReLU.
 */
final class ZooArchitecture {

    private ZooArchitecture() {}

    /** The architecture in {@link dev.orbit.zoo.space.ZooRecipe}'s form, for images of this shape. */
    static String parse(String arch, int channels, int height, int width) {
        String a = arch.trim().toLowerCase(Locale.ROOT);
        if (a.equals("cnn-zoo")) {
            if (height != width) {
                throw ZooSubcommand.userError("--arch cnn-zoo needs square images, got " + height + "x" + width);
            }
            NetworkSpec.smallCnnZoo(ActivationKind.RELU, channels, height); // checks the image is large enough
            if (channels != 1 || height != 28) {
                throw ZooSubcommand.userError("--arch cnn-zoo is the 28x28 grayscale network, got " + channels + "x"
                        + height + "x" + width + " images");
            }
            return "small-cnn-zoo";
        }
        if (a.startsWith("mlp:")) {
            int[] widths;
            try {
                widths = Arrays.stream(a.substring(4).split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            } catch (NumberFormatException e) {
                throw ZooSubcommand.userError("--arch " + arch + " is not mlp:W1,W2,...,K with integer widths");
            }
            if (widths.length == 0 || Arrays.stream(widths).anyMatch(w -> w <= 0)) {
                throw ZooSubcommand.userError("--arch " + arch + " needs positive widths, e.g. mlp:64,32,10");
            }
            return "mlp:" + channels * height * width + "-"
                    + Arrays.stream(widths).mapToObj(Integer::toString).collect(Collectors.joining("-"));
        }
        throw ZooSubcommand.userError("--arch " + arch + " is not one of cnn-zoo, mlp:W1,W2,...,K (e.g. mlp:64,32,10)");
    }
}
