package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.support.NotificationText;
import dev.mfamonitor.support.SafeText;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One run's events as one Slack message: a Block Kit body and the plain {@code text} Slack shows in notifications,
 * arranged by {@link NotificationText} as every notifier arranges a run.
 *
 * <pre>
 * [header]  mfa-monitor: 4 events
 * [section] &lt;!subteam^S1&gt; 1 MFA disabled · 1 New account without MFA · 1 Monitor failed · 1 Baseline
 * [section] `github-acme` (`github`)
 *           • *MFA disabled* (1, critical): `carol` (role=`admin`, was enabled)
 *           • *New account without MFA* (1, high): `r&amp;amp;d-&amp;lt;bot&amp;gt;`
 * [section] `aws-prod` (`aws`)
 *           • *Monitor failed* (medium): `IAM answered AccessDenied ...`
 *           • *Baseline* (info): `3 accounts: 2 with MFA, 1 without (alice)`
 * </pre>
 *
 * <p>Every text that comes from a source or a configuration (account names, monitor ids, services, roles, details,
 * which hold names too) is {@linkplain dev.mfamonitor.support.SafeText#clean cleaned}, escaped for mrkdwn ({@code &},
 * {@code <}, {@code >}) and shown in a code span, the one way mrkdwn shows text literally: an account called
 * {@code <!channel>} mentions nobody, {@code <https://x|y>} links nowhere, and {@code *bold*}, {@code _it_},
 * {@code ~s~} do not format. A backtick inside becomes U+02CB so that it cannot end the span. Every mrkdwn text is
 * {@code verbatim}, so Slack does not turn bare URLs or channel names into links either.
 *
 * <p>The message fits Slack's limits: at most {@value #MAX_BLOCKS} blocks, {@value #MAX_SECTION_CHARS} characters a
 * section, {@value #MAX_HEADER_CHARS} for the header, and (Slack's undocumented {@code msg_blocks_too_long}) a total
 * text budget given to {@link #render}: groups list fewer names ("and N more") until the whole fits, and groups that
 * still do not fit, the least severe ones, are counted in a last line.
 *
 * @param text   the notification text (and the fallback where blocks cannot be shown)
 * @param blocks the Block Kit body
 */
public record SlackMessage(String text, List<Block> blocks) {
    /** Slack's limit of blocks in one message. */
    public static final int MAX_BLOCKS = 50;
    /** Slack's limit of characters in one section's text. */
    public static final int MAX_SECTION_CHARS = 3_000;
    /** Slack's limit of characters in a header block. */
    public static final int MAX_HEADER_CHARS = 150;
    /** The longest {@code text} this renderer writes; Slack advises at most 4,000 characters. */
    public static final int MAX_TEXT_CHARS = 4_000;
    /**
     * The text budget of a whole message. Slack refuses blocks that carry more than about 12,000 characters of text in
     * all ({@code msg_blocks_too_long}; Slack staff: "12,000 text characters with a buffer for block containers").
     */
    public static final int MAX_TOTAL_CHARS = 11_000;
    /** The budget of the smaller message sent when Slack refuses one as too long anyway. */
    public static final int SMALL_TOTAL_CHARS = 3_000;

    private static final String BULLET = "• ";
    /** Names per group, tried from the most down, until the message fits its budget. */
    private static final int[] NAME_STEPS = {NotificationText.MAX_NAMES, 20, 10, 5, 2, 0};

    /** Slack's mrkdwn, with every untrusted text in a code span. */
    static final NotificationText.Style STYLE = new NotificationText.Style() {
        @Override
        public String name(String name) {
            return codeSpan(name);
        }

        @Override
        public String text(String text) {
            return codeSpan(text);
        }

        /** Bold; a plugin's type words are escaped too, and cannot end the bold early. */
        @Override
        public String label(String words) {
            return "*" + escape(SafeText.clean(words).replace("*", "")) + "*";
        }
    };

    public SlackMessage {
        Objects.requireNonNull(text, "text");
        blocks = List.copyOf(blocks);
    }

    /** Renders a notification within {@link #MAX_TOTAL_CHARS}. */
    public static SlackMessage render(Notification notification, Optional<String> mention) {
        return render(notification, mention, MAX_TOTAL_CHARS);
    }

    /**
     * Renders a notification.
     *
     * @param mention    a mention in Slack's syntax ({@code <!subteam^S0123>}, {@code <!here>}), written at the start of
     *                   the message only when the run has {@linkplain #badNews bad news}
     * @param totalChars the most characters of text all blocks together may carry
     */
    public static SlackMessage render(Notification notification, Optional<String> mention, int totalChars) {
        List<ChangeEvent> events = notification.events();
        NotificationText arranged = NotificationText.of(events);
        // The counts hold the words of event types, which a plugin declares: escaped like any other text.
        String counts = escape(SafeText.clean(arranged.counts()));
        String prefix = mention.filter(m -> badNews(events)).map(m -> m + " ").orElse("");
        String title = arranged.title();
        String text = cut(prefix + title + " (" + counts + ")", MAX_TEXT_CHARS);

        List<Block> blocks = new ArrayList<>();
        String header = cut(title, MAX_HEADER_CHARS);
        String summary = cut(prefix + counts.replace(", ", " · "), MAX_SECTION_CHARS);
        blocks.add(new Block.Header(header));
        blocks.add(section(summary));

        // One block and room for the line that counts what did not fit are kept back.
        int blockBudget = MAX_BLOCKS - blocks.size() - 1;
        int charBudget = totalChars - header.length() - summary.length() - 120;

        // Monitor by monitor reads best; but when not everything fits, groups go in across monitors in severity order
        // instead (a monitor's heading coming again where needed), so that one monitor's reminders or good news never
        // push out another monitor's bad news.
        List<Placed> byMonitor = new ArrayList<>();
        for (NotificationText.Monitor monitor : arranged.monitors()) {
            monitor.groups().forEach(g -> byMonitor.add(new Placed(monitor, g)));
        }
        List<Placed> bySeverity = new ArrayList<>(byMonitor);
        bySeverity.sort(Comparator.comparing((Placed p) -> p.group().severity())
                .thenComparing(p -> arranged.monitors().indexOf(p.monitor())));

        // As many names as possible, but fewer names rather than fewer groups: the layout with the most names among
        // those that leave out the fewest groups (fewer names cannot help when the 50 blocks are the limit).
        Layout layout = null;
        for (int maxNames : NAME_STEPS) {
            Layout candidate = Layout.of(byMonitor, maxNames, blockBudget, charBudget);
            if (candidate.omittedGroups() > 0) {
                candidate = Layout.of(bySeverity, maxNames, blockBudget, charBudget);
            }
            if (layout == null || candidate.omittedGroups() < layout.omittedGroups()) {
                layout = candidate;
            }
            if (layout.omittedGroups() == 0) {
                break;
            }
        }
        layout.sections().forEach(s -> blocks.add(section(s)));
        if (layout.omittedGroups() > 0) {
            int events0 = layout.omittedEvents();
            int groups0 = layout.omittedGroups();
            blocks.add(new Block.Context(List.of("… and " + events0 + " more "
                    + (events0 == 1 ? "event" : "events") + " in " + groups0 + " more "
                    + (groups0 == 1 ? "group" : "groups") + " not shown: Slack allows " + MAX_BLOCKS
                    + " blocks and about 12,000 characters a message")));
        }
        return new SlackMessage(text, blocks);
    }

    /** The characters of text the message's blocks carry, as Slack counts them for {@code msg_blocks_too_long}. */
    public int blockTextLength() {
        return blocks.stream().mapToInt(Block::textLength).sum();
    }

    private record Placed(NotificationText.Monitor monitor, NotificationText.Group group) {
    }

    /** The sections that fit in a block and character budget, and what did not fit. */
    private record Layout(List<String> sections, int omittedEvents, int omittedGroups) {
        /**
         * Lays groups out in the given order, with a monitor heading wherever the monitor changes; once a group does
         * not fit, neither do the ones after it, so what is shown is always the front of the order.
         */
        static Layout of(List<Placed> ordered, int maxNames, int maxBlocks, int maxChars) {
            Sections sections = new Sections(maxBlocks, maxChars);
            int omittedEvents = 0;
            int omittedGroups = 0;
            NotificationText.Monitor current = null;
            for (Placed placed : ordered) {
                if (omittedGroups == 0 && placed.monitor() != current) {
                    current = placed.monitor();
                    sections.startMonitor(placed.monitor().heading(STYLE));
                }
                if (omittedGroups > 0 || !sections.tryAdd(placed.group().lines(STYLE, maxNames, sections.lineBudget())
                        .stream().map(line -> BULLET + line).toList())) {
                    omittedEvents += placed.group().size();
                    omittedGroups++;
                }
            }
            return new Layout(sections.finish(), omittedEvents, omittedGroups);
        }
    }

    /**
     * Whether a run has news someone should act on: an event of {@link Severity#MEDIUM} or worse (MFA disabled, a new
     * account without MFA, a requirement switched off, a failed monitor, withheld changes, abandoned alerts), and no
     * good news. Reminders and good news do not mention anyone.
     */
    public static boolean badNews(List<ChangeEvent> events) {
        return events.stream().anyMatch(e -> !e.type().goodNews() && e.severity().compareTo(Severity.MEDIUM) <= 0);
    }

    /** Escapes {@code &}, {@code <} and {@code >}, the only three characters Slack asks to escape. */
    static String escape(String cleaned) {
        return cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * A cleaned text as a code span, escaped, with backticks replaced by U+02CB (a backtick would end the code span and
     * let the rest be read as formatting); an empty text shows as {@code (empty)}.
     */
    static String codeSpan(String cleaned) {
        if (cleaned.isBlank()) {
            return "(empty)";
        }
        return "`" + escape(cleaned.replace('`', '\u02CB')) + "`";
    }

    private static Block section(String mrkdwnText) {
        return new Block.Section(mrkdwnText);
    }

    /**
     * Packs a message's lines into section blocks: each section starts with its monitor's heading and holds as many
     * whole lines as fit in {@value #MAX_SECTION_CHARS} characters; a group is added whole or not at all, and only if
     * the blocks and characters it needs fit the budgets.
     */
    private static final class Sections {
        private final int maxBlocks;
        private final int maxChars;
        private final List<String> done = new ArrayList<>();
        private int doneChars;
        private StringBuilder open;
        private String heading = "";

        Sections(int maxBlocks, int maxChars) {
            this.maxBlocks = maxBlocks;
            this.maxChars = maxChars;
        }

        void startMonitor(String monitorHeading) {
            close();
            heading = monitorHeading;
        }

        /** The longest line that fits in a section under the current heading. */
        int lineBudget() {
            return MAX_SECTION_CHARS - heading.length() - 1;
        }

        /** Adds the lines if the sections and characters they need fit the budgets; says whether they were added. */
        boolean tryAdd(List<String> lines) {
            List<String> fitted = lines.stream().map(line -> cut(line, lineBudget())).toList();
            int length = open == null ? -1 : open.length();
            int opened = 0;
            int added = 0;
            for (String line : fitted) {
                if (length < 0 || length + 1 + line.length() > MAX_SECTION_CHARS) {
                    opened++;
                    length = heading.length();
                    added += heading.length();
                }
                length += 1 + line.length();
                added += 1 + line.length();
            }
            int used = doneChars + (open == null ? 0 : open.length());
            if (done.size() + (open == null ? 0 : 1) + opened > maxBlocks || used + added > maxChars) {
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

        private void close() {
            if (open != null) {
                done.add(open.toString());
                doneChars += open.length();
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
     * as {@code &amp;amp;}, so that the cut text still reads as what it was. A code span cut open is closed again.
     */
    static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - 2;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        int amp = text.lastIndexOf('&', end - 1);
        if (amp >= 0 && amp > end - 5 && text.indexOf(';', amp) >= end) {
            end = amp;
        }
        String kept = text.substring(0, end);
        // An odd number of backticks means a code span was cut open: close it, or the rest would format.
        boolean openSpan = kept.chars().filter(c -> c == '`').count() % 2 == 1;
        return kept + (openSpan ? "`" : "") + "…";
    }
}
