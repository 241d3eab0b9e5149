package dev.mfamonitor.support;

import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.Sleeper;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter, bounded by a deadline, and {@code Retry-After} parsing: the retry rules every
 * network plugin needs (DESIGN.md, "Notifications"). Immutable and thread-safe.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;

    /**
     * @param initial the cap of the first delay
     * @param max     no delay is longer than this (a server's {@code Retry-After} is capped by it too)
     */
    public Backoff(Duration initial, Duration max) {
        this.initial = Objects.requireNonNull(initial, "initial");
        this.max = Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max");
        }
    }

    /** 500 ms doubling up to 30 s. */
    public static Backoff standard() {
        return new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    /**
     * The delay before retry number {@code retry} (1 for the first retry): a random duration between half of and the
     * whole of {@code initial * 2^(retry-1)}, capped at {@code max}. Jitter keeps many clients from retrying in step.
     */
    public Duration delay(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry counts from 1");
        }
        long ceiling = initial.toMillis();
        for (int i = 1; i < retry && ceiling < max.toMillis(); i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, max.toMillis());
        long floor = ceiling / 2;
        return Duration.ofMillis(floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1));
    }

    /**
     * The wait before retry number {@code retry}, given the server's {@code Retry-After} if it sent one: never less
     * than {@link #delay} ({@code Retry-After: 0} or a past date must not become a tight loop), the server's wait when
     * it asked for more.
     *
     * @return empty when the server asked for longer than {@code max}: retrying sooner than asked would only be
     *         refused again, so give up for this run and leave the work pending
     */
    public Optional<Duration> next(int retry, Optional<Duration> retryAfter) {
        Duration backoff = delay(retry);
        if (retryAfter.isEmpty()) {
            return Optional.of(backoff);
        }
        Duration asked = retryAfter.get();
        if (asked.compareTo(max) > 0) {
            return Optional.empty();
        }
        return Optional.of(asked.compareTo(backoff) > 0 ? asked : backoff);
    }

    /**
     * Sleeps for {@code delay} if the sleep ends before {@code deadline}.
     *
     * @return false, without sleeping, when waiting would pass the deadline: give up now and leave the work pending
     * @throws InterruptedException when the thread is interrupted (the engine's deadline); stop at once
     */
    public static boolean sleepWithin(Duration delay, Deadline deadline, Sleeper sleeper) throws InterruptedException {
        if (!deadline.allows(delay)) {
            return false;
        }
        sleeper.sleep(delay);
        return true;
    }

    /**
     * Reads a {@code Retry-After} header: delay-seconds or an HTTP-date.
     *
     * @return empty when the header is absent or unreadable
     */
    public static Optional<Duration> parseRetryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(now, at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
