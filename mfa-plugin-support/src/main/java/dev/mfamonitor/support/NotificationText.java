package dev.mfamonitor.support;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Severity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A notification arranged for people, the same way for every channel (console, Slack, Teams, email), so that a run
 * reads alike wherever it is read. A channel turns it into its own markup with a {@link Style} that quotes names and
 * escapes text its own way:
 *
 * <pre>{@code
 * NotificationText text = NotificationText.of(notification);
 * out.println(text.title() + " (" + text.counts() + ")");           // mfa-monitor: 3 events (2 MFA disabled, 1 Baseline)
 * for (NotificationText.Monitor monitor : text.monitors()) {
 *     out.println(monitor.heading(NotificationText.PLAIN));          // github-acme (github)
 *     for (NotificationText.Group group : monitor.groups()) {
 *         for (String line : group.lines(NotificationText.PLAIN, NotificationText.MAX_NAMES, Integer.MAX_VALUE)) {
 *             out.println("  " + line);                              // MFA disabled (1, critical): "bob" (role=admin, was enabled)
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>The rules:
 * <ul>
 * <li>Events are grouped by monitor, type and severity; groups come most severe first (then in type order, then by
 *     monitor id), monitors in the order of their most severe group. So an owner who lost MFA (raised to critical by
 *     the engine) is listed in a critical group of its own, ahead of everyone else who lost MFA.</li>
 * <li>Each group says its severity; each account shows its {@code role} fact when it has one, and for
 *     {@code MFA_DISABLED} what its status was before.</li>
 * <li>Names within a group are in natural order ({@code u0, u1, u2, u10}, see {@link #NATURAL_ORDER}).</li>
 * <li>Every text from a source (names, monitor ids, services, facts, details) is {@link SafeText#clean cleaned} and
 *     cut ({@value #MAX_NAME_CHARS} code points for a name, {@value #MAX_TEXT_CHARS} for other text) before the style
 *     quotes or escapes it; names always go through {@link Style#name}, which must make one name read as one name
 *     whatever it holds ({@code mallory [was enabled], eve} is one account).</li>
 * <li>A group lists at most as many names as the caller allows, within a character budget, and says
 *     "and N more" for the rest.</li>
 * </ul>
 * The events of a notification are in the order they occurred; this arrangement is for people only. Machine payloads
 * keep the notification's order.
 */
public final class NotificationText {
    /** How many names a group lists by default before "and N more". */
    public static final int MAX_NAMES = EventGroup.MAX_NAMES;
    /** Longest account name shown, in code points; longer ones are cut with "…". */
    public static final int MAX_NAME_CHARS = 80;
    /** Longest other source text shown (a monitor id, a fact, a detail), in code points. */
    public static final int MAX_TEXT_CHARS = 500;

    /**
     * Natural order for names: runs of digits compare by their numeric value ({@code u2} before {@code u10}), the
     * rest ignoring case; names that still tie compare as plain strings, so the order is total and stable.
     */
    public static final Comparator<String> NATURAL_ORDER = NotificationText::compareNaturally;

    /** How a channel writes untrusted text. Implementations get text that is already cleaned and cut. */
    public interface Style {
        /** An account name, written so that it reads as exactly one name whatever characters it holds. */
        String name(String name);

        /** Any other text from a source or the configuration (monitor ids, services, facts, details). */
        String text(String text);

        /** The words of an event type ("MFA disabled"), which come from the event type, not from a source. */
        default String label(String words) {
            return words;
        }
    }

    /** Plain text: names in double quotes ({@link #quote}), other text as it is. For consoles, logs and e-mail. */
    public static final Style PLAIN = new Style() {
        @Override
        public String name(String name) {
            return quote(name);
        }

        @Override
        public String text(String text) {
            return text;
        }
    };

    private final int eventCount;
    private final List<Monitor> monitors;
    private final List<Group> bySeverity;

    private NotificationText(int eventCount, List<Monitor> monitors, List<Group> bySeverity) {
        this.eventCount = eventCount;
        this.monitors = List.copyOf(monitors);
        this.bySeverity = List.copyOf(bySeverity);
    }

    /** Arranges a notification's events. */
    public static NotificationText of(Notification notification) {
        return of(notification.events());
    }

    /**
     * Arranges events.
     *
     * @throws IllegalArgumentException when there are none
     */
    public static NotificationText of(List<ChangeEvent> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("there are no events to render");
        }
        Map<List<Object>, List<ChangeEvent>> byKey = new LinkedHashMap<>();
        for (ChangeEvent event : events) {
            byKey.computeIfAbsent(List.of(event.monitorId(), event.type(), event.severity()), k -> new ArrayList<>())
                    .add(event);
        }
        List<RawGroup> raw = new ArrayList<>();
        byKey.values().forEach(group -> raw.add(new RawGroup(group.get(0), group)));
        raw.sort(Comparator.comparing((RawGroup g) -> g.first.severity())
                .thenComparing(g -> g.first.type())
                .thenComparing(g -> g.first.monitorId()));

        Map<String, List<Group>> groupsByMonitor = new LinkedHashMap<>();
        Map<String, String> services = new LinkedHashMap<>();
        List<Group> bySeverity = new ArrayList<>();
        for (RawGroup group : raw) {
            Group built = group.build();
            bySeverity.add(built);
            groupsByMonitor.computeIfAbsent(group.first.monitorId(), k -> new ArrayList<>()).add(built);
            services.putIfAbsent(group.first.monitorId(), group.first.service());
        }
        List<Monitor> monitors = new ArrayList<>();
        groupsByMonitor.forEach((id, groups) -> monitors.add(new Monitor(cut(SafeText.clean(id), MAX_TEXT_CHARS),
                cut(SafeText.clean(services.get(id)), MAX_TEXT_CHARS), groups)));
        return new NotificationText(events.size(), monitors, bySeverity);
    }

    private record RawGroup(ChangeEvent first, List<ChangeEvent> events) {
        Group build() {
            List<Entry> entries = new ArrayList<>();
            List<String> details = new ArrayList<>();
            for (ChangeEvent event : events) {
                if (event.account().isPresent()) {
                    entries.add(Entry.of(event, event.account().get()));
                } else {
                    details.add(cut(SafeText.clean(event.detail()), MAX_TEXT_CHARS));
                }
            }
            entries.sort(Comparator.comparing(Entry::name, NATURAL_ORDER));
            return new Group(first.type(), first.severity(), entries, details);
        }
    }

    /** How many events the notification has. */
    public int eventCount() {
        return eventCount;
    }

    /** "mfa-monitor: 1 event", "mfa-monitor: 4 events". */
    public String title() {
        return "mfa-monitor: " + eventCount + (eventCount == 1 ? " event" : " events");
    }

    /**
     * Event counts per type across monitors, most severe first: "2 MFA disabled, 1 Monitor failed, 1 Baseline". Holds
     * no source text.
     */
    public String counts() {
        Map<EventType, Integer> counts = new LinkedHashMap<>();
        for (Group group : bySeverity) {
            counts.merge(group.type(), group.size(), Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((type, count) -> parts.add(count + " " + type.words()));
        return String.join(", ", parts);
    }

    /** The monitors, in the order of their most severe group. */
    public List<Monitor> monitors() {
        return monitors;
    }

    /**
     * One monitor's groups.
     *
     * @param monitorId the monitor id, cleaned
     * @param service   its service, cleaned
     * @param groups    most severe first
     */
    public record Monitor(String monitorId, String service, List<Group> groups) {
        public Monitor {
            Objects.requireNonNull(monitorId, "monitorId");
            Objects.requireNonNull(service, "service");
            groups = List.copyOf(groups);
        }

        /** "github-acme (github)", both parts written with {@link Style#text}. */
        public String heading(Style style) {
            return style.text(monitorId) + " (" + style.text(service) + ")";
        }

        /** How many events this monitor's groups hold. */
        public int size() {
            return groups.stream().mapToInt(Group::size).sum();
        }
    }

    /**
     * The events of one monitor, type and severity.
     *
     * @param type     the event type
     * @param severity the severity of every event of the group
     * @param entries  the accounts, in {@linkplain #NATURAL_ORDER natural order} of their names
     * @param details  the cleaned details of the events that are not about one account (baseline, failures), in the
     *                 order they occurred
     */
    public record Group(EventType type, Severity severity, List<Entry> entries, List<String> details) {
        public Group {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(severity, "severity");
            entries = List.copyOf(entries);
            details = List.copyOf(details);
        }

        /** How many events the group holds. */
        public int size() {
            return entries.size() + details.size();
        }

        /**
         * The group as lines: one line for its accounts, and one per detail.
         * <pre>
         * MFA disabled (2, high): "carol" (was enabled), "dave" (role=member, was not applicable), and 1 more
         * Monitor failed (medium): IAM answered AccessDenied ...
         * </pre>
         *
         * @param maxNames most names listed (0 lists none: "MFA disabled (53, high): 53 accounts")
         * @param maxChars a names line stops listing names where one more (and the "and N more") would pass this many
         *                 characters; a detail is cut to fit it (before the style escapes it)
         */
        public List<String> lines(Style style, int maxNames, int maxChars) {
            List<String> lines = new ArrayList<>();
            String severityWord = severity.name().toLowerCase(Locale.ROOT);
            String label = style.label(type.words());
            if (!entries.isEmpty()) {
                StringBuilder line = new StringBuilder(label).append(" (").append(entries.size()).append(", ")
                        .append(severityWord).append("): ");
                int shown = 0;
                for (Entry entry : entries) {
                    String written = entry.render(style);
                    int left = entries.size() - shown - 1;
                    int suffix = left == 0 ? 0 : (", and " + left + " more").length();
                    if (shown == maxNames
                            || line.length() + (shown == 0 ? 0 : 2) + written.length() + suffix > maxChars) {
                        break;
                    }
                    line.append(shown == 0 ? "" : ", ").append(written);
                    shown++;
                }
                int more = entries.size() - shown;
                if (shown == 0) {
                    line.append(more).append(more == 1 ? " account" : " accounts");
                } else if (more > 0) {
                    line.append(", and ").append(more).append(" more");
                }
                lines.add(line.toString());
            }
            String prefix = label + " (" + severityWord + ")";
            for (String detail : details) {
                if (detail.isEmpty()) {
                    lines.add(prefix);
                } else {
                    int room = Math.max(16, Math.min(MAX_TEXT_CHARS, maxChars - prefix.length() - 2));
                    lines.add(prefix + ": " + style.text(cut(detail, room)));
                }
            }
            return lines;
        }
    }

    /**
     * One account of a group.
     *
     * @param name  the account's name, cleaned and cut
     * @param role  the account's {@code role} fact, cleaned and cut, if it has one (source text)
     * @param notes what else a person should see, in words of this library, not from the source: {@code was enabled}
     */
    public record Entry(String name, Optional<String> role, List<String> notes) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(role, "role");
            notes = List.copyOf(notes);
        }

        static Entry of(ChangeEvent event, Account account) {
            String role = account.facts().get("role");
            List<String> notes = new ArrayList<>();
            Optional<MfaStatus> previous = event.previous();
            if (event.type().equals(EventType.MFA_DISABLED) && previous.isPresent()) {
                notes.add("was " + previous.get().configName().replace('_', ' '));
            }
            return new Entry(cut(SafeText.clean(account.name()), MAX_NAME_CHARS),
                    Optional.ofNullable(role).filter(r -> !r.isBlank()).map(r -> cut(SafeText.clean(r), MAX_NAME_CHARS)),
                    notes);
        }

        /**
         * {@code "carol" (role=admin, was enabled)}: the name through {@link Style#name}, the role's value through
         * {@link Style#text}, the notes as they are.
         */
        public String render(Style style) {
            List<String> parts = new ArrayList<>();
            role.ifPresent(r -> parts.add("role=" + style.text(r)));
            parts.addAll(notes);
            return parts.isEmpty() ? style.name(name) : style.name(name) + " (" + String.join(", ", parts) + ")";
        }
    }

    /**
     * A name in double quotes, with {@code \} and {@code "} inside escaped by a backslash, so that no name can close
     * the quotes and make the rest read as something else: {@code "mallory [was enabled], eve"}.
     */
    public static String quote(String name) {
        return '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Cuts to at most {@code max} code points, ending with "…"; never splits a surrogate pair. */
    public static String cut(String text, int max) {
        if (text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, Math.max(0, max - 1))) + "…";
    }

    private static int compareNaturally(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (isDigit(ca) && isDigit(cb)) {
                int endA = digitsEnd(a, i);
                int endB = digitsEnd(b, j);
                int byValue = compareDigits(a.substring(i, endA), b.substring(j, endB));
                if (byValue != 0) {
                    return byValue;
                }
                i = endA;
                j = endB;
            } else {
                int byChar = Character.compare(Character.toLowerCase(Character.toUpperCase(ca)),
                        Character.toLowerCase(Character.toUpperCase(cb)));
                if (byChar != 0) {
                    return byChar;
                }
                i++;
                j++;
            }
        }
        int byRest = Integer.compare(a.length() - i, b.length() - j);
        return byRest != 0 ? byRest : a.compareTo(b);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int digitsEnd(String s, int from) {
        int end = from;
        while (end < s.length() && isDigit(s.charAt(end))) {
            end++;
        }
        return end;
    }

    /** Compares two runs of ASCII digits by value, of any length. */
    private static int compareDigits(String a, String b) {
        String x = a.replaceFirst("^0+(?=.)", "");
        String y = b.replaceFirst("^0+(?=.)", "");
        return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
    }
}
