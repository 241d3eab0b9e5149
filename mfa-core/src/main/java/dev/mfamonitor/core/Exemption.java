package dev.mfamonitor.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/**
 * An account a team has chosen not to be alerted on, with a reason and usually an expiry ({@code policy.exceptions}).
 *
 * @param monitorId the monitor it applies to
 * @param account   the account's name or id
 * @param reason    why, shown when the exception expires
 * @param expires   the day it stops applying (at 00:00 UTC of that day); absent for never
 */
public record Exemption(String monitorId, String account, String reason, Optional<LocalDate> expires) {

    public Exemption {
        Objects.requireNonNull(monitorId, "monitorId");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(expires, "expires");
    }

    /** The moment it stops applying, if it does. */
    public Optional<Instant> expiresAt() {
        return expires.map(day -> day.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /** Whether it silences the account at {@code now}. */
    public boolean activeAt(Instant now) {
        return expiresAt().map(now::isBefore).orElse(true);
    }

    /** Whether it names this account, by name or by id. */
    public boolean matches(String monitor, dev.mfamonitor.spi.Account candidate) {
        return monitorId.equals(monitor) && (account.equals(candidate.name()) || account.equals(candidate.id()));
    }
}
