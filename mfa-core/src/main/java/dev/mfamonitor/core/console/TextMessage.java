package dev.mfamonitor.core.console;

import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.support.NotificationText;

import java.util.ArrayList;
import java.util.List;

/**
 * The plain-text form of a run's events, shared by the {@code console} notifier and the CLI's {@code --dry-run}:
 *
 * <pre>
 * mfa-monitor: 4 events (1 MFA disabled, 1 MFA disabled, 1 Monitor failed, 1 Baseline)
 *
 * quickstart (inventory)
 *   MFA disabled (1, critical): "root" (role=admin, was enabled)
 *   MFA disabled (1, high): "carol" (was enabled)
 *   Baseline (info): 5 accounts: 3 with MFA, 1 without (dave), 1 not applicable, 0 unknown
 * hr-sheet (inventory)
 *   Monitor failed (medium): inventory y.csv line 3: ...
 * </pre>
 *
 * <p>The arrangement is {@link NotificationText}'s, the same as every other channel's: groups by monitor, type and
 * severity, most severe first, each saying its severity; accounts with their role; names in natural order, each in
 * double quotes (a name {@code mallory [was enabled], eve} is one name), at most {@value NotificationText#MAX_NAMES}
 * of them and "and N more". Every text from a source is stripped of control, zero-width and bidirectional characters,
 * so that a hostile name cannot move the cursor, clear the terminal or read differently from what it is.
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
        NotificationText text = NotificationText.of(events);
        List<String> lines = new ArrayList<>();
        lines.add(text.title() + " (" + text.counts() + ")");
        lines.add("");
        for (NotificationText.Monitor monitor : text.monitors()) {
            lines.add(monitor.heading(NotificationText.PLAIN));
            for (NotificationText.Group group : monitor.groups()) {
                for (String line : group.lines(NotificationText.PLAIN, NotificationText.MAX_NAMES, Integer.MAX_VALUE)) {
                    lines.add("  " + line);
                }
            }
        }
        return String.join("\n", lines);
    }
}
