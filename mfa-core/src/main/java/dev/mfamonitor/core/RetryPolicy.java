package dev.mfamonitor.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How the engine's delivery stage retries a notifier's transient failures, the same for every notifier, third-party
 * ones included ({@code policy.retry} in the configuration).
 *
 * @param initialBackoff the cap of the first wait (each later one doubles, with full jitter)
 * @param maxBackoff     no wait is longer; a {@code Retry-After} longer than this ends this run's tries
 * @param maxAttempts    tries per notification and run, the first included
 * @param grace          how long past its deadline an attempt may take to give up by itself before it is interrupted
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, int maxAttempts, Duration grace) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofMillis(500), Duration.ofSeconds(30), 10,
            Duration.ofSeconds(5));

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(grace, "grace");
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("retry needs 0 < initialBackoff <= maxBackoff");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry needs maxAttempts >= 1");
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("retry grace must not be negative");
        }
    }
}
