package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.Backoff;
import dev.mfamonitor.spi.DeliveryException;
import dev.mfamonitor.spi.Durations;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Notifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code type: slack}: posts each notification as one Block Kit message ({@link SlackMessage}) through an incoming
 * webhook or {@code chat.postMessage}.
 *
 * <p>A rate limit (429) waits what Slack's {@code Retry-After} asks, capped by the backoff's maximum; 5xx, 408 and
 * network failures back off exponentially with jitter; both only while the wait ends before the notification's
 * deadline and at most {@link Retries#maxAttempts()} tries. Slack's permanent errors (a revoked webhook or token, a
 * missing or archived channel, 403/404/410) are not retried: they throw at once with a message that says what to fix.
 * No message, log line or exception of this class contains the webhook URL or the token.
 */
public final class SlackNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(SlackNotifier.class);

    private final SlackTransport transport;
    private final Optional<String> mention;
    private final Retries retries;

    /** Waits before a retry; {@link Backoff#sleepWithin} outside tests. */
    @FunctionalInterface
    public interface Pause {
        /**
         * Waits {@code delay} if the wait ends before {@code deadline}.
         *
         * @return false, without waiting, when it would not
         */
        boolean sleepWithin(Duration delay, Instant deadline) throws InterruptedException;
    }

    /**
     * How a delivery retries.
     *
     * @param backoff     delays between tries, and the cap of a {@code Retry-After}
     * @param maxAttempts how many tries one delivery makes at most
     * @param pause       how the wait is done
     */
    public record Retries(Backoff backoff, int maxAttempts, Pause pause) {
        /** Tries in one delivery, unless the deadline comes first. */
        public static final int DEFAULT_MAX_ATTEMPTS = 5;

        public Retries {
            Objects.requireNonNull(backoff, "backoff");
            Objects.requireNonNull(pause, "pause");
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
        }

        /** {@link Backoff#standard()} (500 ms doubling up to 30 s, which also caps a Retry-After), 5 tries, real sleeps. */
        public static Retries standard(Clock clock) {
            return new Retries(Backoff.standard(), DEFAULT_MAX_ATTEMPTS,
                    (delay, deadline) -> Backoff.sleepWithin(delay, deadline, clock));
        }
    }

    /** The longest one HTTP call may take; a retry is started only if it can finish before the deadline. */
    private final Duration callTimeout;

    SlackNotifier(SlackTransport transport, Optional<String> mention, Retries retries, Duration callTimeout) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.mention = Objects.requireNonNull(mention, "mention");
        this.retries = Objects.requireNonNull(retries, "retries");
        this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
    }

    @Override
    public void deliver(Notification notification) throws DeliveryException {
        SlackMessage message = SlackMessage.render(notification, mention);
        for (int attempt = 1; ; attempt++) {
            Attempt outcome = transport.post(message);
            if (outcome instanceof Attempt.Delivered) {
                return;
            }
            if (outcome instanceof Attempt.Failed failed) {
                throw new DeliveryException(failed.message(), failed.permanent());
            }
            Attempt.Retry retry = (Attempt.Retry) outcome;
            String tries = attempt + (attempt == 1 ? " try" : " tries");
            if (attempt >= retries.maxAttempts()) {
                throw new DeliveryException("gave up after " + tries + "; last: " + retry.reason()
                        + "; the events stay pending for the next run", false);
            }
            Optional<Duration> next = retries.backoff().next(attempt, retry.retryAfter());
            if (next.isEmpty()) {
                throw new DeliveryException("gave up after " + tries + ": Slack asked to wait "
                        + Durations.format(retry.retryAfter().orElseThrow()) + ", longer than mfa-monitor waits in one run; last: "
                        + retry.reason() + "; the events stay pending for the next run", false);
            }
            Duration delay = next.get();
            log.debug("Slack try {} failed: {}; next in {}", attempt, retry.reason(), Durations.format(delay));
            boolean waited;
            try {
                // The next try must be able to finish before the deadline too, not only the wait before it.
                waited = retries.pause().sleepWithin(delay, notification.deadline().minus(callTimeout));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeliveryException("interrupted after " + tries + "; last: " + retry.reason(), false);
            }
            if (!waited) {
                throw new DeliveryException("gave up after " + tries + ": waiting " + Durations.format(delay)
                        + (retry.retryAfter().isPresent() ? " as Slack asked" : "") + " would pass the delivery deadline; last: "
                        + retry.reason() + "; the events stay pending for the next run", false);
            }
        }
    }

    /** Closes the HTTP client; never throws. */
    @Override
    public void close() {
        transport.close();
    }
}
