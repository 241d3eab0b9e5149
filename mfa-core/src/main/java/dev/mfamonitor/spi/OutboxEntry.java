package dev.mfamonitor.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One event waiting in the outbox, with its delivery status per notifier id.
 *
 * @param event      the event
 * @param createdAt  when it was committed; an entry still pending past the give-up age is abandoned
 * @param deliveries per notifier id, how delivery stands
 */
public record OutboxEntry(ChangeEvent event, Instant createdAt, Map<String, Delivery> deliveries) {

    public OutboxEntry {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(createdAt, "createdAt");
        deliveries = Map.copyOf(new TreeMap<>(deliveries));
    }

    /** Whether no notifier still waits for it. */
    public boolean settled() {
        return deliveries.values().stream().noneMatch(d -> d.state() == Delivery.State.PENDING);
    }
}
