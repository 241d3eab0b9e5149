package dev.mfamonitor.spi.state;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one run adds to the state, stored in one transaction by {@link StateStore#commit}.
 *
 * @param monitors        per monitor id, its new state; monitors not named keep what they had
 * @param newEntries      outbox entries this run raised, each with a fresh {@link OutboxEntry#id()}
 * @param marks           delivery changes made before the commit (abandoned deliveries); a store that keeps history
 *                        applies them to its history entries too
 * @param settled         ids of outbox entries no notifier waits for any longer: the store may drop them from the
 *                        outbox (never from the history)
 * @param history         history entries this run adds: every event it raised, those in {@code newEntries} under the
 *                        same id; appended to the history by a store that keeps one
 * @param runs            this run's summary of each monitor, appended to the history
 * @param keepHistoryFrom history entries committed and runs started before this time are dropped ({@code policy.history});
 *                        empty to drop nothing
 */
public record RunCommit(Map<String, MonitorState> monitors, List<OutboxEntry> newEntries, List<DeliveryMark> marks,
                        Set<String> settled, List<HistoryEntry> history, List<RunSummary> runs,
                        Optional<Instant> keepHistoryFrom) {
    public RunCommit {
        Objects.requireNonNull(monitors, "monitors");
        monitors = Map.copyOf(new TreeMap<>(monitors));
        newEntries = List.copyOf(newEntries);
        marks = List.copyOf(marks);
        settled = Set.copyOf(settled);
        history = List.copyOf(history);
        runs = List.copyOf(runs);
        Objects.requireNonNull(keepHistoryFrom, "keepHistoryFrom");
        Set<String> ids = new HashSet<>();
        for (HistoryEntry entry : history) {
            if (!ids.add(entry.id())) {
                throw new IllegalArgumentException("run commit lists history entry " + entry.id() + " twice");
            }
        }
    }

    /** A commit that adds nothing to the history (as before the history existed). */
    public RunCommit(Map<String, MonitorState> monitors, List<OutboxEntry> newEntries, List<DeliveryMark> marks,
                     Set<String> settled) {
        this(monitors, newEntries, marks, settled, List.of(), List.of(), Optional.empty());
    }
}
