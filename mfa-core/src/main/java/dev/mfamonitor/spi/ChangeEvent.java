package dev.mfamonitor.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing a person should hear about.
 *
 * @param id        stable id: a hash of monitor id, account id (or subject), type and the snapshot time it came from,
 *                  so that a retried delivery carries the same id and receivers can drop duplicates
 * @param type      what happened
 * @param severity  how urgent it is
 * @param monitorId the monitor instance it concerns
 * @param service   the service of that monitor ({@code github}, {@code aws}, ...)
 * @param account   the account concerned, if the event is about one account
 * @param previous  the account's status before, where there was one
 * @param current   the account's status now, where there is one
 * @param at        when it was observed
 * @param detail    one line for people: counts, the reason of a failure, the exception's reason; never a secret
 */
public record ChangeEvent(String id, EventType type, Severity severity, String monitorId, String service,
                          Optional<Account> account, Optional<MfaStatus> previous, Optional<MfaStatus> current,
                          Instant at, String detail) {

    public ChangeEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(monitorId, "monitorId");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * The stable id of an event: SHA-256 over its parts, first 16 bytes in hex.
     *
     * @param subject the account id, or another stable subject for source-level events (a notifier id, a requirement)
     * @param basis   the time of the snapshot or run the event came from
     */
    public static String idOf(String monitorId, String subject, EventType type, Instant basis) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String input = monitorId + '\u0000' + subject + '\u0000' + type.name() + '\u0000' + basis;
            byte[] hash = sha.digest(input.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
