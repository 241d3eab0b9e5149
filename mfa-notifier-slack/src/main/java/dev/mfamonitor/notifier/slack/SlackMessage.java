package dev.mfamonitor.notifier.slack;

import com.slack.api.model.block.ContextBlock;
import com.slack.api.model.block.HeaderBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.composition.MarkdownTextObject;
import com.slack.api.model.block.composition.PlainTextObject;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventGroup;
import dev.mfamonitor.spi.SafeText;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Severity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One run's events as one Slack message: a Block Kit body and the plain {@code text} Slack shows in notifications.
 *
 * <pre>
 * [header]  mfa-monitor: 4 events
 * [section] &lt;!subteam^S1&gt; 1 MFA disabled · 1 New account without MFA · 1 Monitor failed · 1 Baseline   (counts, most severe first)
 * [section] *github-acme* (github)
 *           • *MFA disabled* (1): `carol` (was enabled)
 *           • *New account without MFA* (1): `r&amp;amp;d-&amp;lt;bot&amp;gt;`
 * [section] *aws-prod* (aws)
 *           • *Monitor failed*: IAM answered AccessDenied ...
 *           • *Baseline*: 3 accounts: 2 with MFA, 1 without (alice), 0 not applicable, 0 unknown
 * </pre>
 *
 * <p>Monitors come most severe first, and so do the groups of each monitor (as the console notifier lists them). Every
 * text that comes from a source or a configuration (account names, monitor ids, services, details) is stripped of
 * control, zero-width and bidirectional characters ({@link SafeText#clean}) and escaped for mrkdwn ({@code &},
 * {@code <}, {@code >}), so that an account called {@code <!channel>} mentions nobody and {@code <https://x|y>} links
 * nowhere; account names are in code spans, so {@code *bold*} stays literal too. Every mrkdwn text is
 * {@code verbatim}, so Slack does not turn bare URLs or channel names into links either.
 *
 * <p>The message always fits Slack's limits: at most {@value #MAX_BLOCKS} blocks, at most {@value #MAX_SECTION_CHARS}
 * characters a section, a header of at most {@value #MAX_HEADER_CHARS}; a group lists at most
 * {@value EventGroup#MAX_NAMES} names and says how many more there are, and groups that do not fit are counted in a
 * last line.
 *
 * @param text   the notification text (and the fallback where blocks cannot be shown)
 * @param blocks the Block Kit body
 */
public record SlackMessage(String text, List<LayoutBlock> blocks) {
    /** Slack's limit of blocks in one message. */
    public static final int MAX_BLOCKS = 50;
    /** Slack's limit of characters in one section's text. */
    public static final int MAX_SECTION_CHARS = 3_000;
    /** Slack's limit of characters in a header block. */
    public static final int MAX_HEADER_CHARS = 150;
    /** The longest {@code text} this renderer writes; Slack advises at most 4,000 characters. */
    public static final int MAX_TEXT_CHARS = 4_000;

    /** How long one account name may be before it is cut; keeps a hostile name from filling a section. */
    static final int MAX_NAME_CHARS = 80;
    /** How long a monitor id or service may be in a heading. */
    static final int MAX_ID_CHARS = 100;
    /** How long one event's detail may be in a section. */
    static final int MAX_DETAIL_CHARS = 500;
    /** Room kept at the end of a group line for ", … and 99999 more". */
    private static final int MORE_SUFFIX_ROOM = 32;
    private static final String BULLET = "• ";

    public SlackMessage {
        Objects.requireNonNull(text, "text");
        blocks = List.copyOf(blocks);
    }

    /**
     * Renders a notification.
     *
     * @param mention a mention in Slack's syntax ({@code <!subteam^S0123>}, {@code <!here>}), written at the start of
     *                the message only when the run has {@linkplain #badNews bad news}
     */
    public static SlackMessage render(Notification notification, Optional<String> mention) {
        List<ChangeEvent> events = notification.events();
        List<EventGroup> groups = EventGroup.of(events);
        Map<String, List<EventGroup>> byMonitor = new LinkedHashMap<>();
        for (EventGroup group : groups) {
            byMonitor.computeIfAbsent(group.monitorId(), k -> new ArrayList<>()).add(group);
        }

        String counts = EventGroup.countsByType(groups);
        String prefix = mention.filter(m -> badNews(events)).map(m -> m + " ").orElse("");
        String title = "mfa-monitor: " + events.size() + (events.size() == 1 ? " event" : " events");
        String text = cut(prefix + title + " (" + counts + ")", MAX_TEXT_CHARS);

        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(HeaderBlock.builder().text(PlainTextObject.builder().text(cut(title, MAX_HEADER_CHARS)).build()).build());
        blocks.add(section(cut(prefix + counts.replace(", ", " · "), MAX_SECTION_CHARS)));

        // Keep one block for the line that counts what did not fit. Monitor by monitor reads best; but when not
        // everything fits, groups go in across monitors in severity order instead (a monitor's heading coming again
        // where needed), so that one monitor's reminders or good news never push out another monitor's bad news.
        int budget = MAX_BLOCKS - blocks.size() - 1;
        List<EventGroup> byMonitorOrder = byMonitor.values().stream().flatMap(List::stream).toList();
        Layout layout = Layout.of(byMonitorOrder, budget);
        if (layout.omittedGroups() > 0) {
            layout = Layout.of(bySeverityThenMonitor(byMonitor), budget);
        }
        int omittedEvents = layout.omittedEvents();
        int omittedGroups = layout.omittedGroups();
        layout.sections().forEach(s -> blocks.add(section(s)));
        if (omittedGroups > 0) {
            blocks.add(ContextBlock.builder().elements(List.of(markdown("… and " + omittedEvents + " more "
                    + (omittedEvents == 1 ? "event" : "events") + " in " + omittedGroups + " more "
                    + (omittedGroups == 1 ? "group" : "groups") + " not shown: Slack allows " + MAX_BLOCKS
                    + " blocks a message"))).build());
        }
        return new SlackMessage(text, blocks);
    }

    /** The sections that fit in a block budget, and what did not fit. */
    private record Layout(List<String> sections, int omittedEvents, int omittedGroups) {
        /**
         * Lays groups out in the given order, with a monitor heading wherever the monitor changes; once a group does
         * not fit, neither do the ones after it, so what is shown is always the front of the order.
         */
        static Layout of(List<EventGroup> ordered, int maxBlocks) {
            Sections sections = new Sections(maxBlocks);
            int omittedEvents = 0;
            int omittedGroups = 0;
            String currentMonitor = null;
            for (EventGroup group : ordered) {
                if (omittedGroups == 0 && !group.monitorId().equals(currentMonitor)) {
                    currentMonitor = group.monitorId();
                    sections.startMonitor("*" + mrkdwn(cutCodePoints(group.monitorId(), MAX_ID_CHARS)) + "* ("
                            + mrkdwn(cutCodePoints(group.service(), MAX_ID_CHARS)) + ")");
                }
                if (omittedGroups > 0 || !sections.tryAdd(groupLines(group, sections.lineBudget()))) {
                    omittedEvents += group.events().size();
                    omittedGroups++;
                }
            }
            return new Layout(sections.finish(), omittedEvents, omittedGroups);
        }
    }

    /**
     * The groups in the order they are shown when not all fit: by severity across monitors, and within one severity each monitor's
     * groups together (in the order of its first group), so that a run of one severity reads monitor by monitor.
     */
    private static List<EventGroup> bySeverityThenMonitor(Map<String, List<EventGroup>> byMonitor) {
        List<String> monitorOrder = new ArrayList<>(byMonitor.keySet());
        List<EventGroup> ordered = new ArrayList<>();
        byMonitor.values().forEach(ordered::addAll);
        ordered.sort(java.util.Comparator.comparing(EventGroup::severity)
                .thenComparing(g -> monitorOrder.indexOf(g.monitorId())));
        return ordered;
    }

    /**
     * Whether a run has news someone should act on: an event of {@link Severity#MEDIUM} or worse (MFA disabled, a new
     * account without MFA, a requirement switched off, a failed monitor, withheld changes, abandoned alerts), and no
     * good news. Reminders and good news do not mention anyone.
     */
    public static boolean badNews(List<ChangeEvent> events) {
        return events.stream().anyMatch(e -> !e.type().goodNews() && e.severity().compareTo(Severity.MEDIUM) <= 0);
    }

    /**
     * Makes a foreign text safe for mrkdwn: removes control, zero-width and bidirectional characters and escapes
     * {@code &}, {@code <} and {@code >}, the only three characters Slack asks to escape (and the only ones that can
     * make a mention or a link).
     */
    public static String mrkdwn(String text) {
        return escape(SafeText.clean(text));
    }

    private static String escape(String cleaned) {
        return cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * An account name as a code span: cleaned, cut at {@value #MAX_NAME_CHARS} characters, escaped, with backticks
     * replaced by U+02CB (a backtick would end the code span and let the rest be read as formatting).
     */
    static String codeSpan(String name) {
        String cleaned = cutCodePoints(SafeText.clean(name).replace('`', '\u02CB'), MAX_NAME_CHARS);
        return "`" + escape(cleaned) + "`";
    }

    private static List<String> groupLines(EventGroup group, int budget) {
        List<String> lines = new ArrayList<>();
        List<String> names = new ArrayList<>();
        String label = "*" + group.type().words() + "*";
        for (ChangeEvent event : group.events()) {
            Optional<Account> account = event.account();
            if (account.isPresent()) {
                names.add(nameOf(event, account.get()));
            } else {
                String detail = mrkdwn(cutCodePoints(SafeText.clean(event.detail()), MAX_DETAIL_CHARS));
                lines.add(BULLET + label + (detail.isEmpty() ? "" : ": " + detail));
            }
        }
        if (!names.isEmpty()) {
            StringBuilder line = new StringBuilder(BULLET).append(label).append(" (").append(names.size()).append("): ");
            int shown = 0;
            for (String name : names) {
                boolean fits = line.length() + (shown == 0 ? 0 : 2) + name.length() + MORE_SUFFIX_ROOM <= budget;
                if (shown == EventGroup.MAX_NAMES || !fits) {
                    break;
                }
                line.append(shown == 0 ? "" : ", ").append(name);
                shown++;
            }
            if (shown < names.size()) {
                line.append(shown == 0 ? "" : ", ").append("… and ").append(names.size() - shown).append(" more");
            }
            lines.add(0, line.toString());
        }
        return lines;
    }

    private static String nameOf(ChangeEvent event, Account account) {
        String name = codeSpan(account.name());
        if (event.type() == EventType.MFA_DISABLED && event.previous().isPresent()) {
            return name + " (was " + event.previous().get().configName().replace('_', ' ') + ")";
        }
        return name;
    }

    private static SectionBlock section(String mrkdwnText) {
        return SectionBlock.builder().text(markdown(mrkdwnText)).build();
    }

    private static MarkdownTextObject markdown(String mrkdwnText) {
        return MarkdownTextObject.builder().text(mrkdwnText).verbatim(true).build();
    }

    /**
     * Packs a message's lines into section blocks: each section starts with its monitor's heading and holds as many
     * whole lines as fit in {@value #MAX_SECTION_CHARS} characters; a group is added whole or not at all.
     */
    private static final class Sections {
        private final int maxBlocks;
        private final List<String> done = new ArrayList<>();
        private StringBuilder open;
        private String heading = "";

        Sections(int maxBlocks) {
            this.maxBlocks = maxBlocks;
        }

        void startMonitor(String monitorHeading) {
            close();
            heading = monitorHeading;
        }

        /** The longest line that fits in a section under the current heading. */
        int lineBudget() {
            return MAX_SECTION_CHARS - heading.length() - 1;
        }

        /** Adds the lines if the sections they need fit in the block budget; says whether they were added. */
        boolean tryAdd(List<String> lines) {
            List<String> fitted = lines.stream().map(line -> cut(line, lineBudget())).toList();
            if (done.size() + (open == null ? 0 : 1) + newSections(fitted) > maxBlocks) {
                return false;
            }
            for (String line : fitted) {
                if (open == null || open.length() + 1 + line.length() > MAX_SECTION_CHARS) {
                    close();
                    open = new StringBuilder(heading);
                }
                open.append('\n').append(line);
            }
            return true;
        }

        private int newSections(List<String> lines) {
            int length = open == null ? -1 : open.length();
            int opened = 0;
            for (String line : lines) {
                if (length < 0 || length + 1 + line.length() > MAX_SECTION_CHARS) {
                    opened++;
                    length = heading.length();
                }
                length += 1 + line.length();
            }
            return opened;
        }

        private void close() {
            if (open != null) {
                done.add(open.toString());
                open = null;
            }
        }

        List<String> finish() {
            close();
            return done;
        }
    }

    /**
     * Cuts a text to at most {@code max} characters, ending with "…"; never inside a surrogate pair or an entity such
     * as {@code &amp;amp;}, so that the cut text still reads as what it was.
     */
    private static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        int amp = text.lastIndexOf('&', end - 1);
        if (amp >= 0 && amp > end - 5 && text.indexOf(';', amp) >= end) {
            end = amp;
        }
        return text.substring(0, end) + "…";
    }

    /** Cuts a foreign text before escaping, by code points, so that no surrogate pair is split. */
    private static String cutCodePoints(String text, int max) {
        if (text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, max - 1)) + "…";
    }
}
