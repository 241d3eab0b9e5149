package dev.mfamonitor.spi.state;

import dev.mfamonitor.spi.ChangeEvent;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One event waiting in the outbox, with its delivery status per notifier id.
 *
 * @param id         the entry's own id, unique in the store and stable for its life; {@link DeliveryMark}s name it
 * @param event      the event
 * @param createdAt  when it was committed; an entry still pending past the give-up age is abandoned
 * @param deliveries per notifier id, how delivery stands; never empty
 */
public record OutboxEntry(String id, ChangeEvent event, Instant createdAt, Map<String, Delivery> deliveries) {

    public OutboxEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(createdAt, "createdAt");
        deliveries = Map.copyOf(new TreeMap<>(deliveries));
        if (id.isBlank()) {
            throw new IllegalArgumentException("outbox entry id must not be blank");
        }
        if (deliveries.isEmpty()) {
            throw new IllegalArgumentException("outbox entry " + id + " is meant for no notifier");
        }
    }

    /** Whether no notifier still waits for it. */
    public boolean settled() {
        return deliveries.values().stream().noneMatch(d -> d.state() == Delivery.State.PENDING);
    }

    /** The same entry with one delivery replaced. */
    public OutboxEntry with(String notifierId, Delivery delivery) {
        Map<String, Delivery> updated = new TreeMap<>(deliveries);
        updated.put(notifierId, delivery);
        return new OutboxEntry(id, event, createdAt, updated);
    }
}
