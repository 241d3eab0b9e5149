package dev.mfamonitor.support;

/**
 * Makes text taken from a source (account names, details) safe to show: every notifier runs foreign text through
 * {@link #clean} before it adds its own escaping, so a hostile account name cannot move a terminal's cursor, hide
 * text, or read differently from what it is ({@code ad\u2060min} must not show as "admin").
 */
public final class SafeText {
    private static final int ZWJ = 0x200D;
    private static final int VARIATION_SELECTOR_16 = 0xFE0F;

    private SafeText() {
    }

    /**
     * Removes every character that is invisible or changes how the rest reads:
     * <ul>
     * <li>C0 and C1 control characters (escape sequences, carriage returns, line breaks, tabs);</li>
     * <li>the line and paragraph separators U+2028 and U+2029;</li>
     * <li>every format character (Unicode category Cf): zero-width space and joiners, word joiner U+2060, soft hyphen
     *     U+00AD, Mongolian vowel separator U+180E, byte order mark, bidirectional marks, embeddings, overrides and
     *     isolates, invisible operators, the tag characters U+E0000 to U+E007F, ...;</li>
     * </ul>
     * except a zero-width joiner (U+200D) between two emoji, so that emoji sequences such as a family or a rainbow
     * flag stay whole. Everything else (letters of every script, emoji, variation selectors) is kept as is.
     */
    public static String clean(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (cp == ZWJ) {
                if (emojiBefore(out) && next < text.length() && isEmoji(text.codePointAt(next))) {
                    out.appendCodePoint(cp);
                }
            } else if (!hidden(cp)) {
                out.appendCodePoint(cp);
            }
            i = next;
        }
        return out.toString();
    }

    private static boolean hidden(int cp) {
        return Character.isISOControl(cp)
                || cp == 0x2028 || cp == 0x2029
                || Character.getType(cp) == Character.FORMAT
                // Tag characters, listed on their own: U+E0000 and U+E0002 to U+E001F are unassigned, not Cf.
                || (cp >= 0xE0000 && cp <= 0xE007F);
    }

    /** Whether what was kept so far ends with an emoji, allowing for a variation selector or skin tone after it. */
    private static boolean emojiBefore(StringBuilder kept) {
        int end = kept.length();
        while (end > 0) {
            int cp = kept.codePointBefore(end);
            if (cp == VARIATION_SELECTOR_16 || (cp >= 0x1F3FB && cp <= 0x1F3FF)) {
                end -= Character.charCount(cp);
                continue;
            }
            return isEmoji(cp);
        }
        return false;
    }

    /**
     * The code points emoji ZWJ sequences are made of: the pictographic planes and the dingbats and symbols blocks (♀,
     * ♂, ⚕, ❤, ...). Java 17 has no {@code Character.isEmoji}.
     */
    private static boolean isEmoji(int cp) {
        return (cp >= 0x1F000 && cp <= 0x1FAFF)
                || (cp >= 0x2300 && cp <= 0x23FF)
                || (cp >= 0x2600 && cp <= 0x27BF)
                || (cp >= 0x2B00 && cp <= 0x2BFF);
    }
}
