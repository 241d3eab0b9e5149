package dev.mfamonitor.spi;

/**
 * Sends alerts to one channel (a Slack channel, a webhook receiver, standard output).
 *
 * <p>Created by a {@link NotifierProvider} and closed by the engine. The engine gives each notifier one
 * {@link Notification} per run with every event still pending for it, on a thread of its own, and records the
 * outcome in the store: a notification that was delivered is never sent to this notifier again; one that failed is
 * offered again in the next run. Notifiers are served at the same time, so a channel that is down never delays
 * another.
 */
public interface Notifier extends AutoCloseable {

    /**
     * Makes one attempt to deliver the notification as one message (or as few as the channel's limits allow). The
     * engine retries a {@link DeliveryResult.Transient} answer itself; do not retry here.
     *
     * <p>The attempt must end within {@link Notification#deadline()} (set the HTTP client's timeout from
     * {@code deadline().remaining()}); past it the engine interrupts the thread and counts a transient failure.
     *
     * @return delivered, or why not; a failure's reason contains no secret (no token, no webhook URL)
     * @throws RuntimeException only for a bug: the engine reports it as a transient failure with the exception's class
     */
    DeliveryResult send(Notification notification);

    /** Releases connections and threads. Called once; the default does nothing. Declares no checked exception: log or wrap what closing throws. */
    @Override
    default void close() {
    }
}
