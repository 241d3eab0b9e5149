package dev.mfamonitor.spi.state;

import dev.mfamonitor.spi.ChangeEvent;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One committed event as the history keeps it, with how its delivery to each notifier went.
 *
 * <p>An event meant for notifiers is in the outbox too, under the same {@link #id()}: a {@link DeliveryMark} of that
 * entry updates both, so the history says when each notifier was told (or that it was abandoned) long after the outbox
 * dropped the settled entry. An event no notifier's route accepted is in the history only, with no deliveries.
 *
 * @param id          the {@link OutboxEntry#id()} of the event's outbox entry, or an id of the same kind for an event
 *                    meant for no notifier; unique in the history
 * @param event       the event as it was committed
 * @param committedAt when the run that raised it committed (the run's start); history older than
 *                    {@link RunCommit#keepHistoryFrom()} is dropped by this time
 * @param deliveries  per notifier id, how delivery stands or ended: {@link Delivery.State#DELIVERED} with
 *                    {@link Delivery#lastAttemptAt()} the time the notifier was told, {@link Delivery.State#ABANDONED}
 *                    when the engine gave up, {@link Delivery.State#PENDING} while it is still trying; may be empty
 */
public record HistoryEntry(String id, ChangeEvent event, Instant committedAt, Map<String, Delivery> deliveries) {

    public HistoryEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(committedAt, "committedAt");
        deliveries = Map.copyOf(new TreeMap<>(deliveries));
        if (id.isBlank()) {
            throw new IllegalArgumentException("history entry id must not be blank");
        }
    }

    /** The history entry of a newly committed outbox entry: same id, event, time and deliveries. */
    public static HistoryEntry of(OutboxEntry entry) {
        return new HistoryEntry(entry.id(), entry.event(), entry.createdAt(), entry.deliveries());
    }

    /** The same entry with one delivery replaced (a mark); an entry not meant for that notifier is returned as is. */
    public HistoryEntry with(String notifierId, Delivery delivery) {
        if (!deliveries.containsKey(notifierId)) {
            return this;
        }
        Map<String, Delivery> updated = new TreeMap<>(deliveries);
        updated.put(notifierId, delivery);
        return new HistoryEntry(id, event, committedAt, updated);
    }

    /** The same entry with every mark of {@code marks} that names it applied, in order. */
    public HistoryEntry withMarks(Iterable<DeliveryMark> marks) {
        HistoryEntry result = this;
        for (DeliveryMark mark : marks) {
            if (mark.entryId().equals(id)) {
                result = result.with(mark.notifierId(), mark.delivery());
            }
        }
        return result;
    }

    /** When {@code notifierId} was told, if it was: the time of its successful delivery. */
    public Optional<Instant> toldAt(String notifierId) {
        Delivery delivery = deliveries.get(notifierId);
        return delivery != null && delivery.state() == Delivery.State.DELIVERED ? delivery.lastAttemptAt() : Optional.empty();
    }
}
