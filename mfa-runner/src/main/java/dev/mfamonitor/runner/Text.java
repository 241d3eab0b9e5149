package dev.mfamonitor.runner;

/** Text safe for a terminal. */
final class Text {
    private Text() {
    }

    /** Removes control, zero-width and bidirectional-override characters, so an account name cannot rewrite the screen. */
    static String safe(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (type != Character.CONTROL && type != Character.FORMAT) {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
