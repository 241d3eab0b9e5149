package dev.mfamonitor.spi;

/**
 * Removes secrets from text before it leaves a plugin: every secret of the configuration, in every form a server may
 * echo it (as is, URL-encoded, JSON-escaped, base64, a URL's path segments), is replaced with {@code ****}.
 *
 * <p>The engine runs every plugin message (failures, gap reasons, delivery errors) through the same redactor before
 * it logs, stores or sends it; plugins use it too where they build text from a server's answer, and must redact
 * before they cut text short (a cut secret is no longer recognised).
 */
@FunctionalInterface
public interface Redactor {
    /** The text with every known secret replaced by {@code ****}; {@code null} stays {@code null}. */
    String redact(String text);
}
