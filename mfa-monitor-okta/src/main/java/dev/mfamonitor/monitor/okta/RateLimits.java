package dev.mfamonitor.monitor.okta;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What Okta said of each rate-limit bucket in its last answer ({@code X-Rate-Limit-Limit}, {@code -Remaining},
 * {@code -Reset} in epoch seconds), and how long to wait before the next request so that at least
 * {@code reservePercent} of the bucket stays free for the org's other integrations: the limits are the org's, shared
 * with every app, agent and script that calls the same endpoints.
 */
final class RateLimits {
    /** Okta's reset is a whole second on its clock: wait a second past it so that a small skew does not matter. */
    static final Duration MARGIN = Duration.ofSeconds(1);

    /** One bucket's last known state. */
    record State(long limit, long remaining, Instant reset) {
    }

    private final int reservePercent;
    private final Map<OktaHttp.Bucket, State> states = new EnumMap<>(OktaHttp.Bucket.class);

    RateLimits(int reservePercent) {
        this.reservePercent = reservePercent;
    }

    /** Remembers the bucket's headers; answers without them change nothing. */
    synchronized void record(OktaHttp.Bucket bucket, HttpHeaders headers) {
        OptionalLong limit = number(headers, "X-Rate-Limit-Limit");
        OptionalLong remaining = number(headers, "X-Rate-Limit-Remaining");
        OptionalLong reset = number(headers, "X-Rate-Limit-Reset");
        if (limit.isPresent() && remaining.isPresent() && reset.isPresent()) {
            states.put(bucket, new State(limit.getAsLong(), remaining.getAsLong(), Instant.ofEpochSecond(reset.getAsLong())));
        }
    }

    /** The bucket's last known state. */
    synchronized Optional<State> state(OktaHttp.Bucket bucket) {
        return Optional.ofNullable(states.get(bucket));
    }

    /** How many requests of the bucket are kept free: {@code reservePercent} of its limit, rounded up. */
    long reserved(long limit) {
        return (limit * reservePercent + 99) / 100;
    }

    /**
     * When the next request of the bucket may go: empty for now, else the reset (plus a margin) when taking one more
     * would eat into the reserve.
     */
    synchronized Optional<Instant> pauseUntil(OktaHttp.Bucket bucket, Instant now) {
        State state = states.get(bucket);
        if (state == null || state.limit() <= 0) {
            return Optional.empty();
        }
        Instant until = state.reset().plus(MARGIN);
        if (!until.isAfter(now)) {
            states.remove(bucket);
            return Optional.empty();
        }
        return state.remaining() <= reserved(state.limit()) ? Optional.of(until) : Optional.empty();
    }

    /** The reset of a 429 answer, plus the margin, when it sent one. */
    static Optional<Instant> resetOf(HttpHeaders headers) {
        OptionalLong reset = number(headers, "X-Rate-Limit-Reset");
        return reset.isPresent() ? Optional.of(Instant.ofEpochSecond(reset.getAsLong()).plus(MARGIN)) : Optional.empty();
    }

    private static OptionalLong number(HttpHeaders headers, String name) {
        Optional<String> value = headers.firstValue(name);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.get().strip()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
