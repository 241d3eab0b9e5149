package dev.mfamonitor.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One message's worth of events for one notifier: everything a run has for it, grouped into a single delivery.
 *
 * @param id       stable id of this delivery: the same events give the same id, so a retry (in this run or a later
 *                 one) carries it again (webhooks send it as {@code webhook-id})
 * @param runAt    when the run that sends it started
 * @param events   the events, never empty, in the order they occurred (oldest first): machine payloads keep that
 *                 order, so a receiver that applies them in order ends where the source is; renderers for people
 *                 group them by severity
 * @param deadline when the engine stops waiting for this attempt
 */
public record Notification(String id, Instant runAt, List<ChangeEvent> events, Deadline deadline) {

    public Notification {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(runAt, "runAt");
        Objects.requireNonNull(deadline, "deadline");
        events = List.copyOf(events);
        if (events.isEmpty()) {
            throw new IllegalArgumentException("a notification carries at least one event");
        }
    }

    /** A notification whose id is derived from its events' ids. */
    public static Notification of(Instant runAt, List<ChangeEvent> events, Deadline deadline) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (ChangeEvent event : events) {
                sha.update(event.id().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return new Notification("msg_" + HexFormat.of().formatHex(sha.digest(), 0, 16), runAt, events, deadline);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
