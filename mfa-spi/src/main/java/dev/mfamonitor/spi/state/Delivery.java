package dev.mfamonitor.spi.state;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How delivery of one outbox entry to one notifier stands.
 *
 * @param state         pending, delivered or abandoned
 * @param attempts      how many deliveries were tried
 * @param lastAttemptAt when the latest try was
 * @param lastError     why the latest try failed; never a secret
 */
public record Delivery(State state, int attempts, Optional<Instant> lastAttemptAt, Optional<String> lastError) {

    /** Where a delivery stands. */
    public enum State { PENDING, DELIVERED, ABANDONED }

    /** A delivery not tried yet. */
    public static final Delivery NEW = new Delivery(State.PENDING, 0, Optional.empty(), Optional.empty());

    public Delivery {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lastAttemptAt, "lastAttemptAt");
        Objects.requireNonNull(lastError, "lastError");
        if (attempts < 0) {
            throw new IllegalArgumentException("delivery attempts must not be negative");
        }
    }
}
