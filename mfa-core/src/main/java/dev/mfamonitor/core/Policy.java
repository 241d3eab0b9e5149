package dev.mfamonitor.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the engine judges and delivers changes ({@code policy:} in the configuration).
 *
 * @param remind              re-alert accounts still without MFA after this long; absent for never
 * @param exemptions          accounts not to alert on
 * @param guardMinChanges     good news is withheld only when there are more than this many changes ...
 * @param guardFraction       ... and more than this fraction of the monitor's last snapshot
 * @param monitorTimeout      how long one monitor may take
 * @param deliveryTimeout     how long one notifier may take to deliver, retries included
 * @param giveUpAfter         an event still pending this long after it was committed is abandoned for that notifier,
 *                            once another notifier has delivered it
 * @param retry               how transient delivery failures are retried
 * @param history             how long the store keeps events and run summaries ({@code policy.history}); older ones are
 *                            dropped when a run commits
 */
public record Policy(Optional<Duration> remind, List<Exemption> exemptions, int guardMinChanges, double guardFraction,
                     Duration monitorTimeout, Duration deliveryTimeout, Duration giveUpAfter, RetryPolicy retry,
                     Duration history) {

    public static final int DEFAULT_GUARD_MIN_CHANGES = 10;
    public static final double DEFAULT_GUARD_FRACTION = 0.10;
    public static final Duration DEFAULT_MONITOR_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofMinutes(2);
    public static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofHours(72);
    /** {@code policy.history}: 400 days, a year and a bit, so that a year-on-year comparison has both ends. */
    public static final Duration DEFAULT_HISTORY = Duration.ofDays(400);

    public Policy {
        Objects.requireNonNull(remind, "remind");
        exemptions = List.copyOf(exemptions);
        Objects.requireNonNull(monitorTimeout, "monitorTimeout");
        Objects.requireNonNull(deliveryTimeout, "deliveryTimeout");
        Objects.requireNonNull(giveUpAfter, "giveUpAfter");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(history, "history");
        if (history.isNegative() || history.isZero()) {
            throw new IllegalArgumentException("policy.history must be positive");
        }
        if (guardMinChanges < 0 || guardFraction < 0 || guardFraction > 1) {
            throw new IllegalArgumentException("guard needs minChanges >= 0 and 0 <= fraction <= 1");
        }
    }

    /** A policy with the default history. */
    public Policy(Optional<Duration> remind, List<Exemption> exemptions, int guardMinChanges, double guardFraction,
                  Duration monitorTimeout, Duration deliveryTimeout, Duration giveUpAfter, RetryPolicy retry) {
        this(remind, exemptions, guardMinChanges, guardFraction, monitorTimeout, deliveryTimeout, giveUpAfter, retry,
                DEFAULT_HISTORY);
    }

    /** A policy with the default retries. */
    public Policy(Optional<Duration> remind, List<Exemption> exemptions, int guardMinChanges, double guardFraction,
                  Duration monitorTimeout, Duration deliveryTimeout, Duration giveUpAfter) {
        this(remind, exemptions, guardMinChanges, guardFraction, monitorTimeout, deliveryTimeout, giveUpAfter, RetryPolicy.DEFAULT);
    }

    /** The defaults of DESIGN.md: no reminders, no exemptions, guard at 10 changes and 10%, 5 min per monitor, give up after 72 h. */
    public static Policy defaults() {
        return new Policy(Optional.empty(), List.of(), DEFAULT_GUARD_MIN_CHANGES, DEFAULT_GUARD_FRACTION,
                DEFAULT_MONITOR_TIMEOUT, DEFAULT_DELIVERY_TIMEOUT, DEFAULT_GIVE_UP_AFTER, RetryPolicy.DEFAULT, DEFAULT_HISTORY);
    }

    /** The exemption that silences this account of this monitor at {@code now}, if one does. */
    public Optional<Exemption> exemptionFor(String monitorId, dev.mfamonitor.spi.Account account, java.time.Instant now) {
        for (Exemption exemption : exemptions) {
            if (exemption.matches(monitorId, account) && exemption.activeAt(now)) {
                return Optional.of(exemption);
            }
        }
        return Optional.empty();
    }

    public Policy withRemind(Duration interval) {
        return new Policy(Optional.of(interval), exemptions, guardMinChanges, guardFraction, monitorTimeout, deliveryTimeout, giveUpAfter, retry, history);
    }

    public Policy withExemptions(List<Exemption> list) {
        return new Policy(remind, list, guardMinChanges, guardFraction, monitorTimeout, deliveryTimeout, giveUpAfter, retry, history);
    }

    public Policy withMonitorTimeout(Duration timeout) {
        return new Policy(remind, exemptions, guardMinChanges, guardFraction, timeout, deliveryTimeout, giveUpAfter, retry, history);
    }

    public Policy withDeliveryTimeout(Duration timeout) {
        return new Policy(remind, exemptions, guardMinChanges, guardFraction, monitorTimeout, timeout, giveUpAfter, retry, history);
    }

    public Policy withRetry(RetryPolicy value) {
        return new Policy(remind, exemptions, guardMinChanges, guardFraction, monitorTimeout, deliveryTimeout, giveUpAfter, value, history);
    }

    public Policy withGiveUpAfter(Duration age) {
        return new Policy(remind, exemptions, guardMinChanges, guardFraction, monitorTimeout, deliveryTimeout, age, retry, history);
    }

    public Policy withHistory(Duration keep) {
        return new Policy(remind, exemptions, guardMinChanges, guardFraction, monitorTimeout, deliveryTimeout, giveUpAfter, retry, keep);
    }
}
