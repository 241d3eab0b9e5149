package dev.mfamonitor.spi;

/**
 * Sends alerts to one channel (a Slack channel, a webhook receiver, standard output).
 *
 * <p>Created by a {@link NotifierProvider} and closed by the engine. The engine gives each notifier one
 * {@link Notification} per run with every event still pending for it, and records the outcome in the store:
 * a notification that was delivered is never sent to this notifier again; one that failed is offered again next run.
 */
public interface Notifier extends AutoCloseable {

    /**
     * Delivers one notification as one message (or as few as the channel's limits allow), retrying transient failures
     * until {@link Notification#deadline()}.
     *
     * @throws DeliveryException when the notification was not delivered; its message says why and what to fix, and
     *                           contains no secret (no token, no webhook URL). The events stay pending.
     */
    void deliver(Notification notification) throws DeliveryException;

    /** Releases connections and threads. Called once; the default does nothing. Declares no checked exception: log or wrap what closing throws. */
    @Override
    default void close() {
    }
}
