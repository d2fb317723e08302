package dev.orbit.training.cli;

import dev.orbit.zoo.train.TrainingProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar with an ETA for {@code orbit zoo generate}, on stderr: redrawn in place on a
 * terminal, one line per update otherwise (logs, pipes). Between finished groups it follows the
 * running groups' steps, redrawn at most every {@link #TERMINAL_INTERVAL_NANOS} on a terminal and
 * every {@link #LOG_INTERVAL_NANOS} in a log, so a log stays short on a run of hours.
 */
final class ZooProgressBar implements TrainingProgress {

    static final long TERMINAL_INTERVAL_NANOS = 1_000_000_000L;
    static final long LOG_INTERVAL_NANOS = 60_000_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean inPlace;
    private final int alreadyDone;
    private final int zooSize;
    private final LongSupplier clock;
    private final long start;
    private long lastDrawn;
    private boolean drawn;

    ZooProgressBar(PrintWriter err, boolean inPlace, int alreadyDone, int zooSize) {
        this(err, inPlace, alreadyDone, zooSize, System::nanoTime);
    }

    /** With a given clock (nanoseconds), for tests. */
    ZooProgressBar(PrintWriter err, boolean inPlace, int alreadyDone, int zooSize, LongSupplier clock) {
        this.err = err;
        this.inPlace = inPlace;
        this.alreadyDone = alreadyDone;
        this.zooSize = zooSize;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.lastDrawn = start;
    }

    @Override
    public void update(int networksDone, int networksTotal) {
        draw(networksDone, networksTotal, clock.getAsLong());
    }

    @Override
    public void during(double networksDone, int networksTotal) {
        long now = clock.getAsLong();
        if (now - lastDrawn >= (inPlace ? TERMINAL_INTERVAL_NANOS : LOG_INTERVAL_NANOS)) {
            draw(networksDone, networksTotal, now);
        }
    }

    private void draw(double networksDone, int networksTotal, long now) {
        lastDrawn = now;
        double done = alreadyDone + networksDone;
        double fraction = zooSize == 0 ? 1 : done / zooSize;
        int filled = (int) Math.round(fraction * WIDTH);
        long elapsed = now - start;
        String eta = networksDone <= 0 ? "?" : format(Duration.ofNanos(
                (long) (elapsed / networksDone * (networksTotal - networksDone))));
        String count = networksDone == Math.rint(networksDone) ? String.valueOf((long) done)
                : String.format(Locale.ROOT, "%.1f", done);
        String line = String.format(Locale.ROOT, "[%s%s] %s/%d networks %5.1f%%  elapsed %s  ETA %s",
                "#".repeat(filled), ".".repeat(WIDTH - filled), count, zooSize, 100 * fraction,
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
