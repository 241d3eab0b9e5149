package dev.mfamonitor.core;

import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.state.Delivery;
import dev.mfamonitor.spi.state.DeliveryMark;
import dev.mfamonitor.spi.state.HistoryEntry;
import dev.mfamonitor.spi.state.OutboxEntry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The run's view of the outbox: the entries the store holds, the entries this run adds (not yet committed), and the
 * delivery marks as they happen. Not thread-safe: the engine calls it under its store lock.
 */
final class Outbox {
    private final Map<String, OutboxEntry> entries = new LinkedHashMap<>();
    private final List<OutboxEntry> uncommitted = new ArrayList<>();

    Outbox(List<OutboxEntry> stored) {
        stored.forEach(e -> entries.put(e.id(), e));
    }

    /** Entries meant for this notifier and still pending, committed ones only, in the order they were raised. */
    List<OutboxEntry> pendingFor(String notifierId) {
        return entries.values().stream().filter(e -> pending(e, notifierId)).toList();
    }

    /** Pending entries of committed and uncommitted alike, for a dry run's plan. */
    List<OutboxEntry> plannedFor(String notifierId) {
        List<OutboxEntry> all = new ArrayList<>(pendingFor(notifierId));
        uncommitted.stream().filter(e -> pending(e, notifierId)).forEach(all::add);
        return all;
    }

    private static boolean pending(OutboxEntry entry, String notifierId) {
        Delivery delivery = entry.deliveries().get(notifierId);
        return delivery != null && delivery.state() == Delivery.State.PENDING;
    }

    /**
     * Adds an event of this run for the notifiers {@code forNotifier} accepts; it is delivered only once committed.
     *
     * @return its history entry: the outbox entry's id and deliveries, or none for an event no notifier takes
     */
    HistoryEntry raise(ChangeEvent event, Instant at, List<String> notifiers, Predicate<String> forNotifier) {
        Map<String, Delivery> deliveries = new TreeMap<>();
        notifiers.stream().filter(forNotifier).forEach(id -> deliveries.put(id, Delivery.NEW));
        if (deliveries.isEmpty()) {
            return new HistoryEntry(entryId(event, at), event, at, Map.of());
        }
        OutboxEntry entry = new OutboxEntry(entryId(event, at), event, at, deliveries);
        uncommitted.add(entry);
        return HistoryEntry.of(entry);
    }

    /** The entries of this run, for the commit. */
    List<OutboxEntry> uncommitted() {
        return List.copyOf(uncommitted);
    }

    /** After a good commit the run's entries are the store's too, and may be delivered. */
    void committed() {
        uncommitted.forEach(e -> entries.put(e.id(), e));
        uncommitted.clear();
    }

    /** Applies marks to the entries it holds. */
    void apply(List<DeliveryMark> marks) {
        for (DeliveryMark mark : marks) {
            OutboxEntry entry = entries.get(mark.entryId());
            if (entry != null && entry.deliveries().containsKey(mark.notifierId())) {
                entries.put(entry.id(), entry.with(mark.notifierId(), mark.delivery()));
            }
        }
    }

    /** Ids of committed entries no notifier waits for any more. */
    Set<String> settled() {
        return entries.values().stream().filter(OutboxEntry::settled).map(OutboxEntry::id).collect(Collectors.toSet());
    }

    /** Drops settled entries from the view, after a commit told the store to. */
    void dropSettled() {
        entries.values().removeIf(OutboxEntry::settled);
    }

    /** Per notifier id, how many entries still wait for it (a notifier no longer configured included); sorted. */
    Map<String, Integer> pendingByNotifier() {
        Map<String, Integer> pending = new TreeMap<>();
        List<OutboxEntry> all = new ArrayList<>(entries.values());
        all.addAll(uncommitted);
        for (OutboxEntry entry : all) {
            entry.deliveries().forEach((id, delivery) -> {
                if (delivery.state() == Delivery.State.PENDING) {
                    pending.merge(id, 1, Integer::sum);
                }
            });
        }
        return pending;
    }

    /** Notifier ids the outbox waits for that are not configured any more. */
    List<String> unconfigured(List<String> configured) {
        return entries.values().stream().flatMap(e -> e.deliveries().entrySet().stream())
                .filter(d -> d.getValue().state() == Delivery.State.PENDING && !configured.contains(d.getKey()))
                .map(Map.Entry::getKey).distinct().sorted().toList();
    }

    /** What the give-up age decided: deliveries to mark abandoned, and per notifier the events to carry in its notice. */
    record Abandonment(List<DeliveryMark> marks, Map<String, List<ChangeEvent>> byNotifier, Map<String, String> lastErrors) {
    }

    /**
     * The give-up age (DESIGN.md step 10, issue 12 item 40). A delivery pending since before {@code cutoff} is
     * abandoned only where that cannot lose the alert: another notifier has delivered the entry, or no other
     * configured notifier holds it at all, in which case the abandonment notice carries the event in full to those
     * whose route takes notices.
     * While another notifier still waits for it too, it stays pending everywhere. A notice is never abandoned itself:
     * that would only make a notice about a notice.
     */
    Abandonment abandonStale(Instant cutoff, Instant at, List<String> configured, Predicate<String> takesNotices) {
        List<DeliveryMark> marks = new ArrayList<>();
        Map<String, List<ChangeEvent>> carried = new TreeMap<>();
        Map<String, String> lastErrors = new TreeMap<>();
        for (OutboxEntry entry : List.copyOf(entries.values())) {
            if (!entry.createdAt().isBefore(cutoff) || entry.event().type().equals(EventType.DELIVERY_ABANDONED)) {
                continue;
            }
            for (Map.Entry<String, Delivery> d : entry.deliveries().entrySet()) {
                String notifier = d.getKey();
                Delivery delivery = d.getValue();
                if (delivery.state() != Delivery.State.PENDING) {
                    continue;
                }
                boolean deliveredElsewhere = entry.deliveries().entrySet().stream()
                        .anyMatch(o -> !o.getKey().equals(notifier) && o.getValue().state() == Delivery.State.DELIVERED);
                boolean heldElsewhere = entry.deliveries().keySet().stream()
                        .anyMatch(o -> !o.equals(notifier) && configured.contains(o));
                boolean someoneToTell = configured.stream().anyMatch(o -> !o.equals(notifier) && takesNotices.test(o));
                if (!deliveredElsewhere && (heldElsewhere || !someoneToTell)) {
                    continue;
                }
                Delivery abandoned = new Delivery(Delivery.State.ABANDONED, delivery.attempts(), delivery.lastAttemptAt(),
                        delivery.lastError());
                marks.add(new DeliveryMark(entry.id(), notifier, abandoned));
                carried.computeIfAbsent(notifier, k -> new ArrayList<>()).add(entry.event());
                delivery.lastError().ifPresent(error -> lastErrors.put(notifier, error));
            }
        }
        apply(marks);
        return new Abandonment(marks, carried, lastErrors);
    }

    /** A stable id for a new entry: the event and the moment it was raised. */
    static String entryId(ChangeEvent event, Instant at) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] hash = sha.digest((event.id() + '\u0000' + at).getBytes(StandardCharsets.UTF_8));
            return "ob_" + HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The marks for the outcome of one notification that took {@code tries} attempts. */
    static List<DeliveryMark> marks(String notifierId, List<OutboxEntry> delivered, Instant at, Optional<String> error,
                                    int tries) {
        List<DeliveryMark> marks = new ArrayList<>();
        for (OutboxEntry entry : delivered) {
            Delivery old = entry.deliveries().get(notifierId);
            marks.add(new DeliveryMark(entry.id(), notifierId, new Delivery(
                    error.isPresent() ? Delivery.State.PENDING : Delivery.State.DELIVERED, old.attempts() + tries,
                    Optional.of(at), error)));
        }
        return marks;
    }
}
