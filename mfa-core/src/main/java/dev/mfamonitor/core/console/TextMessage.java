package dev.mfamonitor.core.console;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.support.EventGroup;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.support.SafeText;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plain-text form of a run's events, shared by the {@code console} notifier and the CLI's {@code --dry-run}:
 *
 * <pre>
 * mfa-monitor: 3 events (1 MFA disabled, 1 Baseline, 1 Monitor failed)
 *
 * quickstart (inventory)
 *   MFA disabled (1): carol [was enabled]
 *   Baseline: 5 accounts: 3 with MFA, 1 without (dave), 1 not applicable, 0 unknown
 * hr-sheet (inventory)
 *   Monitor failed: inventory y.csv line 3: ...
 * </pre>
 *
 * <p>Monitors come in the order of their first group in {@link EventGroup#of}, and each monitor's groups in that
 * order; the header counts events per type in the order the types first appear below it. A group of account events
 * lists at most {@value EventGroup#MAX_NAMES} names and says how many more there are. Every text taken from a source (names,
 * ids, details) is stripped of control, zero-width and bidirectional-override characters, so that a hostile account
 * name cannot move the cursor, clear the terminal or make the text read differently from what it is.
 */
public final class TextMessage {

    private TextMessage() {
    }

    /** Renders a notification's events; no trailing newline. */
    public static String render(Notification notification) {
        return render(notification.events());
    }

    /**
     * Renders events; no trailing newline.
     *
     * @throws IllegalArgumentException when there are no events
     */
    public static String render(List<ChangeEvent> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("there are no events to render");
        }
        Map<String, List<EventGroup>> byMonitor = new LinkedHashMap<>();
        for (EventGroup group : EventGroup.of(events)) {
            byMonitor.computeIfAbsent(group.monitorId(), k -> new ArrayList<>()).add(group);
        }
        List<EventGroup> shownOrder = byMonitor.values().stream().flatMap(List::stream).toList();

        List<String> lines = new ArrayList<>();
        lines.add("mfa-monitor: " + events.size() + (events.size() == 1 ? " event" : " events")
                + " (" + EventGroup.countsByType(shownOrder) + ")");
        lines.add("");
        for (List<EventGroup> monitorGroups : byMonitor.values()) {
            EventGroup first = monitorGroups.get(0);
            lines.add(SafeText.clean(first.monitorId()) + " (" + SafeText.clean(first.service()) + ")");
            for (EventGroup group : monitorGroups) {
                lines.addAll(groupLines(group));
            }
        }
        return String.join("\n", lines);
    }

    private static List<String> groupLines(EventGroup group) {
        List<String> lines = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (ChangeEvent event : group.events()) {
            Optional<Account> account = event.account();
            if (account.isPresent()) {
                names.add(nameOf(event, account.get()));
            } else {
                // Source-level events (baseline, failures, requirements) say what they are in their detail.
                lines.add("  " + group.type().words() + ": " + SafeText.clean(event.detail().replace('\n', ' ')));
            }
        }
        if (!names.isEmpty()) {
            StringBuilder line = new StringBuilder("  ").append(group.type().words())
                    .append(" (").append(names.size()).append("): ");
            line.append(String.join(", ", names.subList(0, Math.min(EventGroup.MAX_NAMES, names.size()))));
            if (names.size() > EventGroup.MAX_NAMES) {
                line.append(", ... and ").append(names.size() - EventGroup.MAX_NAMES).append(" more");
            }
            lines.add(0, line.toString());
        }
        return lines;
    }

    private static String nameOf(ChangeEvent event, Account account) {
        String name = SafeText.clean(account.name());
        Optional<MfaStatus> previous = event.previous();
        if (event.type() == EventType.MFA_DISABLED && previous.isPresent()) {
            return name + " [was " + previous.get().configName() + "]";
        }
        return name;
    }
}
