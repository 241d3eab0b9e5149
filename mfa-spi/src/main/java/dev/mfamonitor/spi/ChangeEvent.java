package dev.mfamonitor.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing a person should hear about. Build one with {@link #builder}.
 *
 * @param id        stable id: a hash of monitor id, subject (the account id), type and the basis of the change, so
 *                  that a retried delivery, and the same change detected again after a failed commit, carry the same
 *                  id and receivers can drop duplicates
 * @param type      what happened
 * @param severity  how urgent it is
 * @param monitorId the monitor instance it concerns; empty for events about a notifier ({@link #notifierId()})
 * @param service   the service of that monitor ({@code github}, {@code aws}, ...), or {@code mfa-monitor} for the
 *                  engine's own events about a notifier
 * @param account   the account concerned, if the event is about one account
 * @param previous  the account's status before, where there was one
 * @param current   the account's status now, where there is one
 * @param at        when it was observed
 * @param detail    one line for people: counts, the reason of a failure, the exception's reason; never a secret
 * @param notifierId the notifier a health event is about ({@code DELIVERY_ABANDONED}), if any
 * @param carried   for {@code DELIVERY_ABANDONED}: the events that notifier was never told, so that the notice carries
 *                  their full content; empty otherwise
 */
public record ChangeEvent(String id, EventType type, Severity severity, String monitorId, String service,
                          Optional<Account> account, Optional<MfaStatus> previous, Optional<MfaStatus> current,
                          Instant at, String detail, Optional<String> notifierId, List<ChangeEvent> carried) {

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
        Objects.requireNonNull(notifierId, "notifierId");
        carried = List.copyOf(carried);
        if (id.isBlank()) {
            throw new IllegalArgumentException("event id must not be blank");
        }
    }

    /** An event about no notifier and carrying no other events. */
    public ChangeEvent(String id, EventType type, Severity severity, String monitorId, String service,
                       Optional<Account> account, Optional<MfaStatus> previous, Optional<MfaStatus> current,
                       Instant at, String detail) {
        this(id, type, severity, monitorId, service, account, previous, current, at, detail, Optional.empty(), List.of());
    }

    /** Starts an event of {@code type} about monitor {@code monitorId} of {@code service}, observed {@code at}. */
    public static Builder builder(EventType type, String monitorId, String service, Instant at) {
        return new Builder(type, monitorId, service, at);
    }

    /**
     * The stable id of an event: SHA-256 over its parts, first 16 bytes in hex.
     *
     * @param subject the account id, or another stable subject for source-level events (a notifier id, a requirement)
     * @param basis   what makes this change this change: the time of the snapshot or run it came from, or (for a
     *                change of status) the status it changed from, so that the same change detected again keeps its id
     */
    public static String idOf(String monitorId, String subject, EventType type, Object basis) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String input = monitorId + '\u0000' + subject + '\u0000' + type.name() + '\u0000' + basis;
            byte[] hash = sha.digest(input.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Builds a {@link ChangeEvent}; the severity defaults to the type's, the id to {@link #idOf} over the time. */
    public static final class Builder {
        private final EventType type;
        private final String monitorId;
        private final String service;
        private final Instant at;
        private String id;
        private Severity severity;
        private Account account;
        private MfaStatus previous;
        private MfaStatus current;
        private String detail = "";
        private String notifierId;
        private List<ChangeEvent> carried = List.of();

        private Builder(EventType type, String monitorId, String service, Instant at) {
            this.type = Objects.requireNonNull(type, "type");
            this.monitorId = Objects.requireNonNull(monitorId, "monitorId");
            this.service = Objects.requireNonNull(service, "service");
            this.at = Objects.requireNonNull(at, "at");
        }

        /** The id; see {@link ChangeEvent#idOf}. */
        public Builder id(String value) {
            this.id = value;
            return this;
        }

        public Builder severity(Severity value) {
            this.severity = value;
            return this;
        }

        /** The account concerned; also sets the current status to the account's unless set. */
        public Builder account(Account value) {
            this.account = value;
            return this;
        }

        public Builder previous(MfaStatus value) {
            this.previous = value;
            return this;
        }

        public Builder current(MfaStatus value) {
            this.current = value;
            return this;
        }

        public Builder detail(String value) {
            this.detail = Objects.requireNonNull(value, "detail");
            return this;
        }

        public Builder notifierId(String value) {
            this.notifierId = value;
            return this;
        }

        public Builder carried(List<ChangeEvent> value) {
            this.carried = value;
            return this;
        }

        public ChangeEvent build() {
            String subject = account != null ? account.id() : notifierId != null ? notifierId : "source";
            return new ChangeEvent(id != null ? id : idOf(monitorId, subject, type, at), type,
                    severity != null ? severity : type.defaultSeverity(), monitorId, service,
                    Optional.ofNullable(account), Optional.ofNullable(previous), Optional.ofNullable(current), at,
                    detail, Optional.ofNullable(notifierId), carried);
        }
    }
}
