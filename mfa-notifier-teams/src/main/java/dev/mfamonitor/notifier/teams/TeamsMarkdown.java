package dev.mfamonitor.notifier.teams;

import dev.mfamonitor.support.NotificationText;
import dev.mfamonitor.support.SafeText;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes untrusted text for the {@code text} of an Adaptive Card {@code TextBlock}, which Teams reads as markdown.
 *
 * <p>Adaptive Cards support a subset of CommonMark in a TextBlock ({@code **bold**}, {@code _italic_}, {@code - }
 * bulleted and {@code 1. } numbered lists, {@code [title](url)} links; Microsoft's "Text features" page) and expand
 * the {@code {{DATE(...)}}} and {@code {{TIME(...)}}} functions. The renderers disagree on the rest: the JavaScript one
 * hands the text to a CommonMark parser (with backslash escapes, entities, autolinks, code spans and strikethrough),
 * the shared one of the native hosts has a parser of its own that knows no backslash escape and shows a backslash as
 * it is. So a backslash cannot escape anything for every reader. Instead each character that starts markup in either
 * is replaced by a character that looks alike and means nothing to any of them (as the Slack notifier turns a
 * backtick into U+02CB):
 *
 * <table>
 * <caption>Replacements</caption>
 * <tr><th>character</th><th>starts</th><th>becomes</th></tr>
 * <tr><td>{@code *}</td><td>bold, italic, a list item</td><td>{@code ∗} U+2217</td></tr>
 * <tr><td>{@code _}</td><td>italic, bold</td><td>{@code ˍ} U+02CD</td></tr>
 * <tr><td>{@code [ ]}</td><td>a link {@code [title](url)}, an image</td><td>{@code ［ ］} U+FF3B, U+FF3D</td></tr>
 * <tr><td>{@code < >}</td><td>an autolink {@code <https://...>}, HTML, a quote</td><td>{@code ‹ ›} U+2039, U+203A</td></tr>
 * <tr><td>&#123;</td><td>{@code {{DATE(...)}}}, {@code {{TIME(...)}}}, template expressions {@code ${...}}</td><td>{@code ｛} U+FF5B</td></tr>
 * <tr><td>{@code `}</td><td>a code span</td><td>{@code ˋ} U+02CB</td></tr>
 * <tr><td>{@code ~}</td><td>strikethrough</td><td>{@code ∼} U+223C</td></tr>
 * <tr><td>{@code \}</td><td>a backslash escape (which would undo the card's own markup)</td><td>{@code ∖} U+2216</td></tr>
 * <tr><td>{@code &}</td><td>an entity such as {@code &#42;}</td><td>{@code ＆} U+FF06</td></tr>
 * <tr><td>{@code ://}</td><td>a bare link {@code https://...}</td><td>{@code :∕∕} (U+2215)</td></tr>
 * </table>
 *
 * <p>Lists, headings, quotes and indented code only start at the beginning of a line. Source text never holds a line
 * break ({@link SafeText#clean} removes them, and U+2028/U+2029), so it can only be at the start of a TextBlock; there
 * {@link #block} replaces a leading {@code -}, {@code +}, {@code #} or {@code =}, and the {@code .} or {@code )} of a
 * leading number ({@code 1. }), and strips leading spaces.
 */
final class TeamsMarkdown {
    private static final Pattern LEADING_NUMBER = Pattern.compile("^(\\d{1,9})([.)])");

    /** Names in double quotes, so that a name holding ", " still reads as one name; a quote inside becomes ＂. */
    static final NotificationText.Style STYLE = new NotificationText.Style() {
        @Override
        public String name(String name) {
            return '"' + escape(name.replace('"', '\uFF02')) + '"';
        }

        @Override
        public String text(String text) {
            return escape(text);
        }

        /** Bold; a plugin's type words are escaped too, so they cannot end the bold early. */
        @Override
        public String label(String words) {
            return "**" + escape(SafeText.clean(words)) + "**";
        }
    };

    private TeamsMarkdown() {
    }

    /** A cleaned text with every markdown and function character replaced, so that it shows as itself. */
    static String escape(String cleaned) {
        StringBuilder out = new StringBuilder(cleaned.length() + 8);
        for (int i = 0; i < cleaned.length(); i++) {
            char c = cleaned.charAt(i);
            switch (c) {
                case '*' -> out.append('\u2217');
                case '_' -> out.append('\u02CD');
                case '[' -> out.append('\uFF3B');
                case ']' -> out.append('\uFF3D');
                case '<' -> out.append('\u2039');
                case '>' -> out.append('\u203A');
                case '{' -> out.append('\uFF5B');
                case '`' -> out.append('\u02CB');
                case '~' -> out.append('\u223C');
                case '\\' -> out.append('\u2216');
                case '&' -> out.append('\uFF06');
                default -> out.append(c);
            }
        }
        return out.toString().replace("://", ":\u2215\u2215");
    }

    /**
     * The text of one TextBlock, whose start may be source text: leading spaces (four would make a code block) are
     * stripped, and a leading list, heading or setext marker is replaced by a lookalike.
     */
    static String block(String markdown) {
        String text = markdown.strip();
        if (text.isEmpty()) {
            return text;
        }
        char first = text.charAt(0);
        String replaced = switch (first) {
            case '-' -> "\u2010";
            case '+' -> "\uFF0B";
            case '#' -> "\uFF03";
            case '=' -> "\uFF1D";
            default -> null;
        };
        if (replaced != null) {
            return replaced + text.substring(1);
        }
        Matcher number = LEADING_NUMBER.matcher(text);
        if (number.find()) {
            String mark = number.group(2).equals(".") ? "\u2024" : "\uFF09";
            return number.group(1) + mark + text.substring(number.end());
        }
        return text;
    }
}
