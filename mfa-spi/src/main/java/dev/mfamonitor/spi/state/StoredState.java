package dev.mfamonitor.spi.state;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the engine remembers between runs.
 *
 * @param monitors per monitor id, its last good snapshot and health
 * @param outbox   the committed outbox entries, oldest first: those some notifier still waits for, and possibly
 *                 entries already settled (delivered to or abandoned by every notifier) that the next commit drops;
 *                 the engine ignores settled entries
 */
public record StoredState(Map<String, MonitorState> monitors, List<OutboxEntry> outbox) {

    /** The state of a first run. */
    public static final StoredState EMPTY = new StoredState(Map.of(), List.of());

    public StoredState {
        monitors = Map.copyOf(new TreeMap<>(monitors));
        outbox = List.copyOf(outbox);
    }

    /** Whether this is the state of a first run: nothing was ever stored. */
    public boolean firstRun() {
        return monitors.isEmpty() && outbox.isEmpty();
    }
}
