package dev.mfamonitor.core;

import dev.mfamonitor.spi.Redactor;
import dev.mfamonitor.support.SafeText;

/**
 * Text that comes from a plugin (a failure message, a gap's reason, a delivery error) made fit to log, print, store
 * and send: every configured secret redacted first, in every encoding, then line breaks turned into spaces and
 * control and invisible characters removed, so that a message can neither forge a log line nor drive a terminal.
 */
final class PluginText {
    /** Plugin messages are one line for people; a stack of HTML from a proxy is not. */
    private static final int MAX_LENGTH = 2_000;

    private final Redactor redactor;

    PluginText(Redactor redactor) {
        this.redactor = redactor;
    }

    /** A plugin's message, fit for people. Redaction comes before the cut, so a cut secret cannot survive. */
    String clean(String text) {
        if (text == null) {
            return "";
        }
        String redacted = redactor.redact(text);
        String oneLine = SafeText.clean(redacted.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ').replace('\t', ' '));
        return oneLine.length() <= MAX_LENGTH ? oneLine : oneLine.substring(0, MAX_LENGTH) + "...";
    }

    /** A failure for people: its message, or its class when it has none. */
    String describe(Throwable failure) {
        String message = failure.getMessage();
        return clean(message == null || message.isBlank() ? failure.getClass().getName() : message);
    }

    /**
     * The classes of a failure and its causes, for debugging. Not the stack trace with its messages: a plugin's
     * exception may quote a secret nobody configured (a token fetched at run time).
     */
    static String causeChain(Throwable failure) {
        StringBuilder chain = new StringBuilder(failure.getClass().getName());
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            chain.append(" <- ").append(cause.getClass().getName());
        }
        return chain.toString();
    }
}
