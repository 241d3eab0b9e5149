package dev.mfamonitor.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A point in time after which the engine stops waiting, measured on a monotonic clock: a step of the wall clock
 * (NTP, a suspended VM) neither ends a scan early nor lets it run on forever.
 *
 * <p>Plugins ask {@link #remaining()} before they wait (a rate limit, a {@code Retry-After}) and give up rather than
 * wait past it. Immutable and thread-safe.
 */
public final class Deadline {
    private final LongSupplier nanoTime;
    private final long endNanos;

    private Deadline(LongSupplier nanoTime, long endNanos) {
        this.nanoTime = nanoTime;
        this.endNanos = endNanos;
    }

    /**
     * A deadline {@code timeout} from now.
     *
     * @param nanoTime a monotonic clock in nanoseconds: {@code System::nanoTime}, or a test's own
     */
    public static Deadline after(Duration timeout, LongSupplier nanoTime) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(nanoTime, "nanoTime");
        return new Deadline(nanoTime, nanoTime.getAsLong() + saturatedNanos(timeout));
    }

    /** How long is left; {@link Duration#ZERO} once it has passed. */
    public Duration remaining() {
        long left = endNanos - nanoTime.getAsLong();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    /** Whether it has passed. */
    public boolean expired() {
        return endNanos - nanoTime.getAsLong() <= 0;
    }

    /** Whether waiting {@code wait} from now still ends before the deadline. */
    public boolean allows(Duration wait) {
        return saturatedNanos(wait) < endNanos - nanoTime.getAsLong();
    }

    /** The earlier of this deadline and one {@code timeout} from now, on the same clock. */
    public Deadline atMost(Duration timeout) {
        long other = nanoTime.getAsLong() + saturatedNanos(timeout);
        return other - endNanos < 0 ? new Deadline(nanoTime, other) : this;
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return Math.max(0, duration.toNanos());
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 4;
        }
    }

    @Override
    public String toString() {
        return "Deadline[remaining=" + remaining() + "]";
    }
}
