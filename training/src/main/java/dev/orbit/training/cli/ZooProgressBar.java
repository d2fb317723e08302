package dev.orbit.training.cli;

import dev.orbit.zoo.train.TrainingProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * A progress bar with an ETA for {@code orbit zoo generate}, on stderr: redrawn in place on a
 * terminal, one line per update otherwise (logs, pipes).
 */
final class ZooProgressBar implements TrainingProgress {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean inPlace;
    private final int alreadyDone;
    private final int zooSize;
    private final long start = System.nanoTime();
    private boolean drawn;

    ZooProgressBar(PrintWriter err, boolean inPlace, int alreadyDone, int zooSize) {
        this.err = err;
        this.inPlace = inPlace;
        this.alreadyDone = alreadyDone;
        this.zooSize = zooSize;
    }

    @Override
    public void update(int networksDone, int networksTotal) {
        int done = alreadyDone + networksDone;
        double fraction = zooSize == 0 ? 1 : (double) done / zooSize;
        int filled = (int) Math.round(fraction * WIDTH);
        long elapsed = System.nanoTime() - start;
        String eta = networksDone == 0 ? "?" : format(Duration.ofNanos(
                (long) ((double) elapsed / networksDone * (networksTotal - networksDone))));
        String line = String.format(Locale.ROOT, "[%s%s] %d/%d networks %5.1f%%  elapsed %s  ETA %s",
                "#".repeat(filled), ".".repeat(WIDTH - filled), done, zooSize, 100 * fraction,
                format(Duration.ofNanos(elapsed)), eta);
        if (inPlace) {
            err.print("\r" + line);
        } else {
            err.println(line);
        }
        err.flush();
        drawn = true;
    }

    /** Ends the in-place line. */
    void finish() {
        if (inPlace && drawn) {
            err.println();
            err.flush();
        }
    }

    static String format(Duration d) {
        long s = d.getSeconds();
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
