package dev.mfamonitor.spi;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the engine remembers between runs.
 *
 * @param monitors per monitor id, its last good snapshot and health
 * @param outbox   events not yet delivered to (or abandoned by) every notifier they are meant for, oldest first
 */
public record StoredState(Map<String, MonitorState> monitors, List<OutboxEntry> outbox) {

    /** The state of a first run. */
    public static final StoredState EMPTY = new StoredState(Map.of(), List.of());

    public StoredState {
        monitors = Map.copyOf(new TreeMap<>(monitors));
        outbox = List.copyOf(outbox);
    }

    /**
     * Per notifier id, how many outbox entries still wait for it, a notifier no longer configured included; sorted by
     * id, without notifiers that wait for nothing.
     */
    public static Map<String, Integer> pendingByNotifier(List<OutboxEntry> outbox) {
        Map<String, Integer> pending = new TreeMap<>();
        for (OutboxEntry entry : outbox) {
            entry.deliveries().forEach((id, delivery) -> {
                if (delivery.state() == Delivery.State.PENDING) {
                    pending.merge(id, 1, Integer::sum);
                }
            });
        }
        return pending;
    }
}
