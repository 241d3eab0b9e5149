package dev.mfamonitor.spi.state;

import java.util.Objects;

/**
 * How delivery of one outbox entry to one notifier now stands.
 *
 * @param entryId    the {@link OutboxEntry#id()}
 * @param notifierId the notifier
 * @param delivery   the new status, replacing the old
 */
public record DeliveryMark(String entryId, String notifierId, Delivery delivery) {
    public DeliveryMark {
        Objects.requireNonNull(entryId, "entryId");
        Objects.requireNonNull(notifierId, "notifierId");
        Objects.requireNonNull(delivery, "delivery");
    }
}
