package dev.mfamonitor.spi.state;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Snapshot;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one run saw of one monitor, as the history keeps it: its health and how many accounts stood where. One per
 * monitor per committed run; MFA coverage over time is a line through them.
 *
 * <p>The counts are disjoint and add up to {@link #accounts()}: {@code enabled} counts accounts with a strong second
 * factor, {@code weak} those whose second factor is weak (the {@code weakMfa=true} fact: SMS, a virtual-only root
 * device), so that coverage is {@code (enabled + weak) / (enabled + weak + disabled + unknown)}.
 *
 * @param monitorId        the monitor
 * @param service          its service ({@code github}, {@code aws}, ...), {@code unknown} before its first success
 * @param runAt            when the run started (the time its events were committed with)
 * @param health           how the monitor's read went
 * @param problem          why it failed or what it could not see; empty when {@link Health#OK}; never a secret
 * @param enabled          accounts with MFA that is not weak
 * @param weak             accounts with weak MFA
 * @param disabled         accounts without MFA
 * @param notApplicable    accounts that cannot sign in interactively
 * @param unknown          accounts whose status the monitor could not tell
 * @param adminsWithoutMfa accounts without MFA that are root, or have {@code role=admin} or {@code role=owner}
 *                         (counted in {@code disabled} too)
 */
public record RunSummary(String monitorId, String service, Instant runAt, Health health, Optional<String> problem,
                         int enabled, int weak, int disabled, int notApplicable, int unknown, int adminsWithoutMfa) {

    /**
     * How a monitor's read went in a run.
     * {@code OK}: it saw all of its source; {@code INCOMPLETE}: its snapshot has gaps; {@code FAILED}: it failed, and the
     * counts are those of the last good snapshot the engine kept (all zero when there is none).
     */
    public enum Health { OK, INCOMPLETE, FAILED }

    public RunSummary {
        Objects.requireNonNull(monitorId, "monitorId");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(runAt, "runAt");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(problem, "problem");
        if (enabled < 0 || weak < 0 || disabled < 0 || notApplicable < 0 || unknown < 0 || adminsWithoutMfa < 0) {
            throw new IllegalArgumentException("run summary of monitor " + monitorId + " has a negative count");
        }
        if (adminsWithoutMfa > disabled) {
            throw new IllegalArgumentException("run summary of monitor " + monitorId
                    + " counts more admins without MFA than accounts without MFA");
        }
    }

    /**
     * The summary of a snapshot: counts every account of it.
     *
     * @param snapshot the snapshot the engine accepted in this run, or for a failed run the last good one, if any
     */
    public static RunSummary of(String monitorId, Instant runAt, Health health, Optional<String> problem,
                                Optional<Snapshot> snapshot) {
        int enabled = 0;
        int weak = 0;
        int disabled = 0;
        int notApplicable = 0;
        int unknown = 0;
        int admins = 0;
        for (Account account : snapshot.map(Snapshot::accounts).orElse(java.util.List.of())) {
            switch (account.mfa()) {
                case ENABLED -> {
                    if (weak(account)) {
                        weak++;
                    } else {
                        enabled++;
                    }
                }
                case DISABLED -> {
                    disabled++;
                    if (admin(account)) {
                        admins++;
                    }
                }
                case NOT_APPLICABLE -> notApplicable++;
                case UNKNOWN -> unknown++;
            }
        }
        return new RunSummary(monitorId, snapshot.map(Snapshot::service).orElse("unknown"), runAt, health, problem,
                enabled, weak, disabled, notApplicable, unknown, admins);
    }

    /** Whether an account's second factor is weak: the {@code weakMfa=true} fact monitors set. */
    public static boolean weak(Account account) {
        return account.mfa() == MfaStatus.ENABLED && "true".equals(account.facts().get("weakMfa"));
    }

    /** Whether an account is an administrator: a root account, or {@code role=admin} or {@code role=owner}. */
    public static boolean admin(Account account) {
        String role = account.facts().getOrDefault("role", "");
        return account.kind().equals("root") || role.equals("admin") || role.equals("owner");
    }

    /** Every account counted. */
    public int accounts() {
        return enabled + weak + disabled + notApplicable + unknown;
    }
}
