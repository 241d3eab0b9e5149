package dev.mfamonitor.core;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Severity;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which events one notifier is sent ({@code route:} in its configuration block): every condition given must hold.
 *
 * <ul>
 * <li>Health events ({@code MONITOR_FAILED}, {@code MONITOR_RECOVERED}, {@code DELIVERY_ABANDONED}) go to every
 *     notifier unless its route names them in {@code excludeTypes}: a broken monitor must reach the people on call.</li>
 * <li>A notifier that would be sent an incident's trigger is always sent its resolve, whatever its route: a pager
 *     routed to {@code high} gets {@code MFA_ENABLED} (info) for an account whose {@code MFA_DISABLED} it would get, so
 *     its incident resolves.</li>
 * </ul>
 *
 * @param minSeverity  events at least this severe, if set
 * @param types        events of these type names, if not empty
 * @param monitors     events of these monitors, if not empty
 * @param excludeTypes never events of these type names, health events included
 */
public record Route(Optional<Severity> minSeverity, Set<String> types, Set<String> monitors, Set<String> excludeTypes) {
    /** The route of a notifier without {@code route:}: everything. */
    public static final Route EVERYTHING = new Route(Optional.empty(), Set.of(), Set.of(), Set.of());

    private static final Set<EventType> HEALTH = Set.of(EventType.MONITOR_FAILED, EventType.MONITOR_RECOVERED,
            EventType.DELIVERY_ABANDONED);
    /** Resolving types, and the triggers they resolve. */
    private static final Map<EventType, Set<EventType>> RESOLVES = Map.of(
            EventType.MFA_ENABLED, Set.of(EventType.MFA_DISABLED, EventType.NEW_ACCOUNT_WITHOUT_MFA, EventType.WEAK_MFA),
            EventType.MFA_NOT_REQUIRED, Set.of(EventType.MFA_DISABLED, EventType.NEW_ACCOUNT_WITHOUT_MFA, EventType.WEAK_MFA),
            EventType.ACCOUNT_REMOVED, Set.of(EventType.MFA_DISABLED, EventType.NEW_ACCOUNT_WITHOUT_MFA, EventType.WEAK_MFA),
            EventType.REQUIREMENT_ENABLED, Set.of(EventType.REQUIREMENT_DISABLED));

    public Route {
        Objects.requireNonNull(minSeverity, "minSeverity");
        types = Set.copyOf(types);
        monitors = Set.copyOf(monitors);
        excludeTypes = Set.copyOf(excludeTypes);
    }

    /** Whether the notifier of this route is sent {@code event}. */
    public boolean accepts(ChangeEvent event) {
        if (excludeTypes.contains(event.type().name())) {
            return false;
        }
        if (HEALTH.contains(event.type())) {
            return true;
        }
        if (matches(event.type(), event.severity(), event.monitorId())) {
            return true;
        }
        Set<EventType> triggers = RESOLVES.getOrDefault(event.type(), Set.of());
        for (EventType trigger : triggers) {
            if (matches(trigger, triggerSeverity(trigger, event.account()), event.monitorId())) {
                return true;
            }
        }
        return false;
    }

    /** Whether an event of this type, severity and monitor passes the conditions (health rules aside). */
    boolean matches(EventType type, Severity severity, String monitorId) {
        return !excludeTypes.contains(type.name())
                && minSeverity.map(min -> severity.compareTo(min) <= 0).orElse(true)
                && (types.isEmpty() || types.contains(type.name()))
                && (monitors.isEmpty() || monitors.contains(monitorId));
    }

    /** The severity the trigger would have had for this account (owners and root are critical). */
    private static Severity triggerSeverity(EventType trigger, Optional<Account> account) {
        return DiffEngine.severityOf(trigger, account);
    }

    /** The most severe an event of this type can be, for checking that every type can reach someone. */
    static Severity highestSeverity(EventType type) {
        if (type.equals(EventType.MFA_DISABLED) || type.equals(EventType.NEW_ACCOUNT_WITHOUT_MFA)) {
            return Severity.CRITICAL;
        }
        if (type.equals(EventType.EXCEPTION_EXPIRED)) {
            return Severity.HIGH;
        }
        return type.defaultSeverity();
    }

    /** Whether some event of this type and monitor, at its highest severity, can reach this route's notifier. */
    boolean couldAccept(EventType type, String monitorId) {
        if (excludeTypes.contains(type.name())) {
            return false;
        }
        if (HEALTH.contains(type) || matches(type, highestSeverity(type), monitorId)) {
            return true;
        }
        return RESOLVES.getOrDefault(type, Set.of()).stream().anyMatch(t -> matches(t, highestSeverity(t), monitorId));
    }

    /** Whether a health event of this type reaches this route's notifier. */
    boolean acceptsHealth(EventType type) {
        return HEALTH.contains(type) && !excludeTypes.contains(type.name());
    }
}
