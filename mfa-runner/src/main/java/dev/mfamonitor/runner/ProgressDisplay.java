package dev.mfamonitor.runner;

import dev.mfamonitor.spi.ScanProgress;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Shows how far a scan got, on standard error: on a terminal a live line per monitor, redrawn in place; otherwise a
 * log line every 30 seconds while monitors report. Monitors report through the {@link ScanProgress} of their scan
 * request; time is the engine's monotonic clock, so tests drive it instead of sleeping.
 */
final class ProgressDisplay {
    /** How progress is shown: {@code auto} picks {@code live} on a terminal, else {@code log}. */
    enum Mode { auto, live, log, off }

    static final Duration LOG_EVERY = Duration.ofSeconds(30);
    /** A terminal redraw at most this often: a fast monitor reports thousands of accounts a second. */
    static final Duration REDRAW_EVERY = Duration.ofMillis(100);
    /** Longer lines would wrap and break the cursor arithmetic. */
    private static final int WIDTH = 79;
    private static final String CURSOR_UP_LINES = "\u001b[%dF";
    private static final String CLEAR_LINE = "\u001b[2K";

    private final Mode mode;
    private final List<String> monitors;
    private final PrintStream terminal;
    private final Consumer<String> logLine;
    private final LongSupplier nanoTime;
    /** Per monitor, its last report as shown ("12 pages read"), in configuration order. */
    private final Map<String, String> read = new LinkedHashMap<>();
    private long lastShown;
    private boolean drawnOnce;
    private int linesDrawn;
    private boolean changed;

    /**
     * @param mode     {@code live}, {@code log} or {@code off} (resolve {@code auto} first with {@link #resolve})
     * @param monitors the monitor ids in configuration order
     * @param terminal where live lines go
     * @param logLine  where log lines go
     * @param nanoTime the engine's monotonic clock
     */
    ProgressDisplay(Mode mode, List<String> monitors, PrintStream terminal, Consumer<String> logLine, LongSupplier nanoTime) {
        if (mode == Mode.auto) {
            throw new IllegalArgumentException("resolve auto first");
        }
        this.mode = mode;
        this.monitors = List.copyOf(monitors);
        this.terminal = terminal;
        this.logLine = logLine;
        this.nanoTime = nanoTime;
        this.lastShown = nanoTime.getAsLong();
    }

    /** {@code auto} becomes {@code live} when standard error is a terminal, else {@code log}. */
    static Mode resolve(Mode requested, boolean terminal) {
        return requested != Mode.auto ? requested : terminal ? Mode.live : Mode.log;
    }

    /** The progress callback of one monitor's scan. */
    ScanProgress forMonitor(String monitorId) {
        Objects.requireNonNull(monitorId, "monitorId");
        if (mode == Mode.off) {
            return ScanProgress.NONE;
        }
        return (count, unit) -> report(monitorId, count, unit);
    }

    private synchronized void report(String monitorId, long count, String unit) {
        read.put(monitorId, String.format(java.util.Locale.ROOT, "%,d %s read", count, PeopleText.clean(unit == null ? "" : unit)));
        changed = true;
        long now = nanoTime.getAsLong();
        if (mode == Mode.live) {
            if (!drawnOnce || now - lastShown >= REDRAW_EVERY.toNanos()) {
                draw(now);
            }
        } else if (now - lastShown >= LOG_EVERY.toNanos()) {
            lastShown = now;
            changed = false;
            List<String> parts = new ArrayList<>();
            for (String id : ordered()) {
                parts.add(PeopleText.clean(id) + " " + read.get(id));
            }
            logLine.accept("scan progress: " + String.join(", ", parts));
        }
    }

    /** The scan is over: a terminal gets its final counts, and the lines stay as they are. */
    synchronized void finish() {
        if (mode == Mode.live && changed) {
            draw(nanoTime.getAsLong());
        }
    }

    private void draw(long now) {
        StringBuilder out = new StringBuilder();
        if (linesDrawn > 0) {
            out.append(String.format(CURSOR_UP_LINES, linesDrawn));
        }
        List<String> ids = ordered();
        for (String id : ids) {
            String line = PeopleText.clean(id) + ": " + read.get(id);
            if (line.length() > WIDTH) {
                line = line.substring(0, WIDTH - 3) + "...";
            }
            out.append(CLEAR_LINE).append(line).append('\n');
        }
        terminal.print(out);
        terminal.flush();
        linesDrawn = ids.size();
        lastShown = now;
        drawnOnce = true;
        changed = false;
    }

    /** The monitors that reported, in configuration order (then any the configuration does not list). */
    private List<String> ordered() {
        List<String> ids = new ArrayList<>();
        for (String id : monitors) {
            if (read.containsKey(id)) {
                ids.add(id);
            }
        }
        for (String id : read.keySet()) {
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }
}
