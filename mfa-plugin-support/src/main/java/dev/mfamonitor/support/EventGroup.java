package dev.mfamonitor.support;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Severity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events of one monitor and one type, the unit every notifier shows: "acme (github) · MFA disabled (3): a, b, c".
 *
 * @param monitorId the monitor
 * @param service   its service
 * @param type      the event type
 * @param severity  the most severe event of the group
 * @param events    the events, in the order they came
 */
public record EventGroup(String monitorId, String service, EventType type, Severity severity, List<ChangeEvent> events) {
    /** How many account names a notifier lists for one group before "... and N more". */
    public static final int MAX_NAMES = 50;

    public EventGroup {
        events = List.copyOf(events);
    }

    /**
     * Groups events by monitor and type, most severe group first (then by type order, then monitor id), so that every
     * notifier lists a run the same way.
     */
    public static List<EventGroup> of(List<ChangeEvent> events) {
        Map<String, List<ChangeEvent>> byKey = new LinkedHashMap<>();
        for (ChangeEvent event : events) {
            byKey.computeIfAbsent(event.monitorId() + '\u0000' + event.type().name(), k -> new ArrayList<>()).add(event);
        }
        List<EventGroup> groups = new ArrayList<>();
        for (List<ChangeEvent> group : byKey.values()) {
            ChangeEvent first = group.get(0);
            Severity worst = group.stream().map(ChangeEvent::severity).min(Comparator.naturalOrder()).orElseThrow();
            groups.add(new EventGroup(first.monitorId(), first.service(), first.type(), worst, group));
        }
        groups.sort(Comparator.comparing(EventGroup::severity)
                .thenComparing(EventGroup::type)
                .thenComparing(EventGroup::monitorId));
        return List.copyOf(groups);
    }

    /** The names of the accounts of this group's events, in order; events without an account are left out. */
    public List<String> accountNames() {
        return events.stream().flatMap(e -> e.account().stream()).map(Account::name).toList();
    }

    /**
     * Event counts per type in the order the groups are given, for a message's header: "2 MFA disabled, 1 Baseline".
     */
    public static String countsByType(List<EventGroup> groups) {
        Map<EventType, Integer> counts = new LinkedHashMap<>();
        for (EventGroup group : groups) {
            counts.merge(group.type(), group.events().size(), Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((type, count) -> parts.add(count + " " + type.words()));
        return String.join(", ", parts);
    }
}
