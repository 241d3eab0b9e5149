package dev.mfamonitor.spi.state;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one run adds to the state, stored in one transaction by {@link StateStore#commit}.
 *
 * @param monitors   per monitor id, its new state; monitors not named keep what they had
 * @param newEntries outbox entries this run raised, each with a fresh {@link OutboxEntry#id()}
 * @param marks      delivery changes made before the commit (abandoned deliveries)
 * @param settled    ids of outbox entries no notifier waits for any longer: the store may drop them
 */
public record RunCommit(Map<String, MonitorState> monitors, List<OutboxEntry> newEntries, List<DeliveryMark> marks,
                        Set<String> settled) {
    public RunCommit {
        monitors = Map.copyOf(new TreeMap<>(monitors));
        newEntries = List.copyOf(newEntries);
        marks = List.copyOf(marks);
        settled = Set.copyOf(settled);
        Objects.requireNonNull(monitors, "monitors");
    }
}
