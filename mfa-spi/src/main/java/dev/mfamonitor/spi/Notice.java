package dev.mfamonitor.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * Something a monitor itself wants reported, beside the changes the engine finds by diffing: an event of one of the
 * plugin's own types ({@link MonitorProvider#eventTypes()}). The engine raises it as an event once per distinct
 * notice, the same notice in consecutive snapshots once only.
 *
 * @param type      a type the provider declared
 * @param accountId the account of this snapshot it is about, if any
 * @param subject   what it is about, stable between snapshots (a token's id, a setting's name); with the type it
 *                  identifies the notice
 * @param detail    one line for people; never a secret
 */
public record Notice(EventType type, Optional<String> accountId, String subject, String detail) {
    public Notice {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(detail, "detail");
    }
}
