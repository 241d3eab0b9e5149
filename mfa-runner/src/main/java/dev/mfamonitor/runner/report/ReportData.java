package dev.mfamonitor.runner.report;

import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Severity;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the HTML report shows, in the order it shows it; built by {@link ReportBuilder}, drawn by
 * {@link ReportPage}. Strings are as the state holds them (untrusted): escaping is the page's job, never the model's.
 *
 * @param generatedAt when the report was made; ages are counted to it
 * @param version     the mfa-monitor version that made it
 * @param state       where the state lives ({@code file /var/lib/...}); never a secret
 * @param monitors    every monitor's health, configured ones first in configuration order
 * @param notifiers   every notifier's pending deliveries, configured ones first
 * @param coverage    one series per monitor, one point per stored run, oldest first
 * @param withoutMfa  the accounts without MFA now: admins, owners and root first, then the longest without
 * @param weakMfa     the accounts whose MFA is weak (SMS, phone, e-mail), admins first
 * @param changes     recent changes, newest first
 * @param changesFrom what {@code changes} covers, for the heading ("the last 30 days", "events still in the outbox")
 * @param exceptions  the configured exceptions, the soonest to expire first
 */
public record ReportData(Instant generatedAt, String version, String state, List<MonitorHealth> monitors,
                         List<NotifierHealth> notifiers, List<CoverageSeries> coverage, List<AccountRow> withoutMfa,
                         List<AccountRow> weakMfa, List<Change> changes, String changesFrom, List<ExceptionRow> exceptions) {

    public ReportData {
        Objects.requireNonNull(generatedAt, "generatedAt");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(changesFrom, "changesFrom");
        monitors = List.copyOf(monitors);
        notifiers = List.copyOf(notifiers);
        coverage = List.copyOf(coverage);
        withoutMfa = List.copyOf(withoutMfa);
        weakMfa = List.copyOf(weakMfa);
        changes = List.copyOf(changes);
        exceptions = List.copyOf(exceptions);
    }

    /**
     * How one monitor stands.
     *
     * @param configured    whether the configuration still names it (the state may know an old id)
     * @param service       the service of its last good snapshot
     * @param lastGood      when its last good snapshot was taken
     * @param accounts      how many accounts that snapshot holds
     * @param failureStreak how many runs in a row it has failed
     * @param lastFailure   why it failed last, while failing
     * @param gaps          the parts of its source the last snapshot could not see, with the reason
     */
    public record MonitorHealth(String id, boolean configured, Optional<String> service, Optional<Instant> lastGood,
                                int accounts, int failureStreak, Optional<String> lastFailure, List<String> gaps) {
        public MonitorHealth {
            gaps = List.copyOf(gaps);
        }

        /** Ran, succeeded last time and saw everything. */
        public boolean healthy() {
            return lastGood.isPresent() && failureStreak == 0 && gaps.isEmpty();
        }
    }

    /** Deliveries one notifier has not made yet. */
    public record NotifierHealth(String id, boolean configured, int pending, Optional<Instant> oldestPending,
                                 Optional<String> lastError) {
    }

    /** One monitor's coverage over time. */
    public record CoverageSeries(String monitorId, List<CoveragePoint> points) {
        public CoverageSeries {
            points = List.copyOf(points);
        }
    }

    /**
     * Coverage at one run: accounts with MFA (weak MFA included) out of those counted, which are the accounts with MFA,
     * without MFA, or whose status the monitor could not tell (not applicable ones are left out), as
     * {@link dev.mfamonitor.spi.state.RunSummary} defines it.
     *
     * @param failed whether the monitor failed in that run (the counts are then those of the snapshot it kept)
     * @param note   what went wrong in that run, for people; empty when nothing did
     */
    public record CoveragePoint(Instant at, int withMfa, int counted, boolean failed, String note) {
        /** A point of a run that went well. */
        public CoveragePoint(Instant at, int withMfa, int counted) {
            this(at, withMfa, counted, false, "");
        }

        /** Coverage in percent; 100 when no account is counted (nothing is missing). */
        public double percent() {
            return counted == 0 ? 100.0 : 100.0 * withMfa / counted;
        }
    }

    /**
     * One account in the "without MFA" or "weak MFA" table.
     *
     * @param privileged root, an admin or an owner
     * @param since      since when it has been in this state, if known
     * @param details    the account's other facts, for people ({@code methods=sms})
     * @param exception  the reason of the exception that silences it, if one applies now
     */
    public record AccountRow(String monitorId, String service, String id, String name, String kind, String role,
                             boolean privileged, MfaStatus mfa, Optional<Since> since, String details,
                             Optional<String> exception) {
    }

    /**
     * Since when an account has been without MFA.
     *
     * @param lowerBound true when only "at least since" is known (it was already without then)
     */
    public record Since(Instant at, boolean lowerBound) {
    }

    /** One change, with what each notifier made of it. */
    public record Change(Instant at, String monitorId, String type, Severity severity, Optional<String> account,
                         Optional<MfaStatus> previous, Optional<MfaStatus> current, String detail,
                         List<DeliveryOutcome> deliveries) {
        public Change {
            deliveries = List.copyOf(deliveries);
        }
    }

    /**
     * How delivering a change to one notifier went.
     *
     * @param state pending, delivered or abandoned, in words
     * @param at    the latest attempt
     */
    public record DeliveryOutcome(String notifierId, String state, Optional<Instant> at, Optional<String> error) {
    }

    /**
     * One configured exception.
     *
     * @param account the name or id it names
     * @param active  whether it still applies
     * @param matches the accounts of the monitor's last snapshot it names, with their status ({@code deploy-bot: not
     *                applicable}); empty when it names none
     */
    public record ExceptionRow(String monitorId, String account, String reason, Optional<LocalDate> expires,
                               Optional<Instant> expiresAt, boolean active, List<String> matches) {
        public ExceptionRow {
            matches = List.copyOf(matches);
        }
    }
}
