package dev.mfamonitor.runner.report;

import dev.mfamonitor.support.SafeText;

/**
 * Escaping for the report's HTML and inline SVG: the one place untrusted text (account names, ids, reasons, a
 * service's error messages) becomes markup.
 *
 * <p>Text is first {@linkplain SafeText#clean cleaned} of control and invisible characters, then the five characters
 * that mean something to the HTML parser ({@code & < > " '}) become character references. That is enough for element
 * text and for attribute values, because the page writes every attribute value in double quotes; it is the OWASP
 * "HTML entity encoding" rule. The report never puts untrusted text in a script, a style, a URL or an unquoted
 * attribute, so no other context needs an encoder.
 */
public final class Html {
    private Html() {
    }

    /** Text for an element's content (also SVG {@code <text>} and {@code <title>}). */
    public static String text(String untrusted) {
        return escape(untrusted);
    }

    /** Text for a double-quoted attribute value. */
    public static String attribute(String untrusted) {
        return escape(untrusted);
    }

    private static String escape(String untrusted) {
        String clean = untrusted == null ? "" : SafeText.clean(untrusted);
        StringBuilder out = new StringBuilder(clean.length() + 16);
        for (int i = 0; i < clean.length(); i++) {
            char c = clean.charAt(i);
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
