package dev.mfamonitor.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one attempt to deliver a {@link Notification} came to. The engine retries transient failures with one backoff
 * policy for every notifier (exponential, jittered, capped, within the delivery deadline, a {@code Retry-After}
 * honoured as a floor); a notifier never retries by itself.
 */
public sealed interface DeliveryResult {

    /** The channel accepted the notification. */
    record Delivered() implements DeliveryResult {
    }

    /**
     * The channel may accept it later: a timeout, a 5xx, a 408 or 429, a connection refused.
     *
     * @param reason     for people: what failed, with the channel's own answer; never a secret
     * @param retryAfter how long the channel asked to wait, if it said ({@code Retry-After})
     */
    record Transient(String reason, Optional<Duration> retryAfter) implements DeliveryResult {
        public Transient {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    /**
     * Retrying as is cannot help (a revoked token, an archived channel, a 4xx other than 408/429): a person must act.
     * The events stay pending and are offered again in the next run.
     *
     * @param reason for people: what failed and what to fix; never a secret
     */
    record Permanent(String reason) implements DeliveryResult {
        public Permanent {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Delivered. */
    static DeliveryResult delivered() {
        return new Delivered();
    }

    /** A transient failure without a requested wait. */
    static DeliveryResult retry(String reason) {
        return new Transient(reason, Optional.empty());
    }

    /** A transient failure after which the channel asked to wait {@code retryAfter}. */
    static DeliveryResult retryAfter(String reason, Duration retryAfter) {
        return new Transient(reason, Optional.of(retryAfter));
    }

    /** A permanent failure. */
    static DeliveryResult permanent(String reason) {
        return new Permanent(reason);
    }
}
