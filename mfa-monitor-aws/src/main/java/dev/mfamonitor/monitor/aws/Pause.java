package dev.mfamonitor.monitor.aws;

import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.Sleeper;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The waits between polls and retries: exponential with full jitter (half to all of {@code initial * 2^(n-1)}, capped),
 * slept through the context's sleeper and only when the wait ends before the scan's deadline.
 */
final class Pause {
    private final Duration initial;
    private final Duration max;
    private final Sleeper sleeper;

    Pause(Duration initial, Duration max, Sleeper sleeper) {
        this.initial = initial;
        this.max = max;
        this.sleeper = sleeper;
    }

    /** The delay before retry number {@code retry} (from 1). */
    Duration delay(int retry) {
        long ceiling = initial.toMillis();
        for (int i = 1; i < retry && ceiling < max.toMillis(); i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, max.toMillis());
        long floor = ceiling / 2;
        return Duration.ofMillis(floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1));
    }

    /** Sleeps before retry number {@code retry}; false, without sleeping, when that would pass the deadline. */
    boolean sleepBefore(int retry, Deadline deadline) throws InterruptedException {
        Duration delay = delay(retry);
        if (!deadline.allows(delay)) {
            return false;
        }
        sleeper.sleep(delay);
        return true;
    }
}
