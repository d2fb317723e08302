package dev.orbit.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ZooProgressBarTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aLogGetsStepProgressAtMostOncePerIntervalAndEveryFinishedGroup() {
        StringWriter out = new StringWriter();
        long[] now = {0};
        ZooProgressBar bar = new ZooProgressBar(new PrintWriter(out), false, 0, 10, () -> now[0]);
        now[0] = 5 * SECOND;
        bar.during(0.5, 10); // too soon after the start: not drawn
        assertEquals("", out.toString());
        now[0] = ZooProgressBar.LOG_INTERVAL_NANOS;
        bar.during(2.5, 10);
        now[0] += SECOND;
        bar.during(2.6, 10); // too soon after the last line
        now[0] += SECOND;
        bar.update(4, 10); // a finished group is always drawn
        String[] lines = out.toString().split("\n");
        assertEquals(2, lines.length, out.toString());
        assertTrue(lines[0].contains("2.5/10 networks  25.0%"), lines[0]);
        assertTrue(lines[0].contains("elapsed 1m00s  ETA 3m00s"), lines[0]);
        assertTrue(lines[1].contains("4/10 networks  40.0%"), lines[1]);
    }

    @Test
    void aTerminalRedrawsStepProgressEverySecondInPlaceCountingResumedNetworks() {
        StringWriter out = new StringWriter();
        long[] now = {0};
        ZooProgressBar bar = new ZooProgressBar(new PrintWriter(out), true, 6, 10, () -> now[0]);
        now[0] = ZooProgressBar.TERMINAL_INTERVAL_NANOS;
        bar.during(1.0, 4);
        bar.finish();
        String text = out.toString();
        assertTrue(text.startsWith("\r["), text);
        assertTrue(text.contains("7/10 networks  70.0%") && text.contains("ETA 0m03s"), text);
        assertTrue(text.endsWith("\n"), "finish ends the line");
    }
}
