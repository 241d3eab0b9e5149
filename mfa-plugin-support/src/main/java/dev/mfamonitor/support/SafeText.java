package dev.mfamonitor.support;

/**
 * Makes text taken from a source (account names, details) safe to show: every notifier runs foreign text through
 * {@link #clean} before it adds its own escaping, so a hostile account name cannot move a terminal's cursor, hide
 * text, or read differently from what it is.
 */
public final class SafeText {
    private SafeText() {
    }

    /**
     * Removes C0 and C1 control characters (escape sequences, carriage returns, line breaks), zero-width characters
     * and bidirectional overrides and isolates (U+200B to U+200F, U+202A to U+202E, U+2066 to U+2069, U+061C, U+2028,
     * U+2029, U+FEFF). Everything else is kept as is.
     */
    public static String clean(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().filter(cp -> !hidden(cp)).forEach(out::appendCodePoint);
        return out.toString();
    }

    private static boolean hidden(int cp) {
        return Character.isISOControl(cp)
                || (cp >= 0x200B && cp <= 0x200F)
                || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x2066 && cp <= 0x2069)
                || cp == 0x061C || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF;
    }
}
