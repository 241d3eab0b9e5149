package dev.mfamonitor.notifier.email;

import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Notification;
import dev.mfamonitor.support.EventGroup;
import dev.mfamonitor.support.NotificationText;
import dev.mfamonitor.support.SafeText;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one notification says as an e-mail: the subject, the plain-text body and the HTML body, arranged by
 * {@link NotificationText} like every other channel (grouped by monitor and type, most severe first, names in natural
 * order, at most {@value NotificationText#MAX_NAMES} names a group and "and N more").
 *
 * <p>Every text from a source is cleaned by {@link NotificationText} (control, zero-width and bidirectional characters
 * removed) before it gets here; the HTML body escapes it as well, so a name such as {@code <script>} is shown, never
 * run. The subject holds no source text at all: only the prefix from the configuration, counts and event type words,
 * cleaned again so that no line break can reach a header.
 *
 * @param subject the subject, one line, not yet MIME-encoded
 * @param text    the {@code text/plain} body
 * @param html    the {@code text/html} body
 */
record EmailContent(String subject, String text, String html) {
    /** Most characters of one group's names line, before "and N more". */
    static final int MAX_LINE_CHARS = 4_000;
    /** The subject lists event types while it is shorter than this, then says how many more types there are. */
    static final int MAX_SUBJECT_CHARS = 160;
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** HTML: every text escaped, names in code spans. */
    static final NotificationText.Style HTML = new NotificationText.Style() {
        @Override
        public String name(String name) {
            return "<code>" + escape(name) + "</code>";
        }

        @Override
        public String text(String text) {
            return escape(text);
        }

        @Override
        public String label(String words) {
            return escape(words);
        }
    };

    /**
     * @param subjectPrefix the configured prefix, already checked to be one clean line
     * @param notifierId    this notifier's id, shown in the footer
     */
    static EmailContent of(Notification notification, String subjectPrefix, String notifierId) {
        NotificationText text = NotificationText.of(notification);
        String footer = "Notification " + notification.id() + " of the run at " + RUN_TIME.format(notification.runAt())
                + ", sent by mfa-monitor notifier '" + SafeText.clean(notifierId) + "'.";
        return new EmailContent(subject(subjectPrefix, notification), plain(text, footer), html(text, footer));
    }

    /**
     * "[mfa-monitor] 3 MFA disabled, 1 new account without MFA": event counts per type, most severe first, each type's
     * words with a lower-case first letter unless it starts an acronym ("MFA disabled" stays).
     */
    static String subject(String prefix, Notification notification) {
        // EventGroup's order: the most severe group first, so the most severe type leads the subject.
        Map<EventType, Integer> counts = new LinkedHashMap<>();
        for (EventGroup group : EventGroup.of(notification.events())) {
            counts.merge(group.type(), group.events().size(), Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((type, count) -> parts.add(count + " " + sentenceCase(SafeText.clean(type.words()))));
        StringBuilder subject = new StringBuilder(prefix.isEmpty() ? "" : prefix + " ");
        for (int i = 0; i < parts.size(); i++) {
            String next = (i == 0 ? "" : ", ") + parts.get(i);
            int left = parts.size() - i;
            if (i > 0 && subject.length() + next.length() > MAX_SUBJECT_CHARS) {
                subject.append(", and ").append(left).append(left == 1 ? " more type" : " more types");
                break;
            }
            subject.append(next);
        }
        return SafeText.clean(subject.toString());
    }

    private static String sentenceCase(String words) {
        if (words.length() >= 2 && Character.isUpperCase(words.charAt(0)) && Character.isLowerCase(words.charAt(1))) {
            return Character.toLowerCase(words.charAt(0)) + words.substring(1);
        }
        return words;
    }

    private static String plain(NotificationText text, String footer) {
        List<String> lines = new ArrayList<>();
        lines.add(text.title() + " (" + text.counts() + ")");
        lines.add("");
        for (NotificationText.Monitor monitor : text.monitors()) {
            lines.add(monitor.heading(NotificationText.PLAIN));
            for (NotificationText.Group group : monitor.groups()) {
                for (String line : group.lines(NotificationText.PLAIN, NotificationText.MAX_NAMES, MAX_LINE_CHARS)) {
                    lines.add("  " + line);
                }
            }
            lines.add("");
        }
        lines.add("-- ");
        lines.add(footer);
        return String.join("\r\n", lines) + "\r\n";
    }

    private static String html(NotificationText text, String footer) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\r\n<html><head><meta charset=\"utf-8\"><title>")
                .append(escape(text.title())).append("</title></head>\r\n")
                .append("<body style=\"font-family:sans-serif\">\r\n")
                .append("<p><strong>").append(escape(text.title())).append("</strong> (")
                .append(escape(text.counts())).append(")</p>\r\n");
        for (NotificationText.Monitor monitor : text.monitors()) {
            html.append("<h3>").append(monitor.heading(HTML)).append("</h3>\r\n<ul>\r\n");
            for (NotificationText.Group group : monitor.groups()) {
                for (String line : group.lines(HTML, NotificationText.MAX_NAMES, MAX_LINE_CHARS)) {
                    html.append("<li>").append(line).append("</li>\r\n");
                }
            }
            html.append("</ul>\r\n");
        }
        html.append("<p style=\"color:#666;font-size:small\">").append(escape(footer)).append("</p>\r\n")
                .append("</body></html>\r\n");
        return html.toString();
    }

    /** Escapes the five characters that mean something in HTML text and attribute values. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
