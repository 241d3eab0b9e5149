package dev.mfamonitor.spi.state;

import dev.mfamonitor.spi.Snapshot;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the engine remembers of one monitor.
 *
 * @param lastGood      the last snapshot that was accepted; absent before the first success
 * @param failureStreak how many runs in a row the monitor has failed (0 when healthy)
 * @param lastFailure   the message of the latest failure, while the streak lasts
 * @param alertedAt     per account id, when the account was last alerted on as being without MFA (for reminders)
 */
public record MonitorState(Optional<Snapshot> lastGood, int failureStreak, Optional<String> lastFailure,
                           Map<String, Instant> alertedAt) {

    public MonitorState {
        Objects.requireNonNull(lastGood, "lastGood");
        Objects.requireNonNull(lastFailure, "lastFailure");
        alertedAt = Map.copyOf(new TreeMap<>(alertedAt));
        if (failureStreak < 0) {
            throw new IllegalArgumentException("failureStreak must not be negative");
        }
    }

    /** The state of a monitor never run before. */
    public static final MonitorState NEW = new MonitorState(Optional.empty(), 0, Optional.empty(), Map.of());
}
