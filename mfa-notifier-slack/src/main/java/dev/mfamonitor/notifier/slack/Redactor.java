package dev.mfamonitor.notifier.slack;

import dev.mfamonitor.spi.Secret;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Takes the secrets out of foreign texts (exception messages of the HTTP client) before they reach a message or a log
 * line. A webhook URL is a secret as a whole and in its path (the part after the host), which some errors print alone.
 */
final class Redactor {
    private final List<Secret> secrets;

    private Redactor(List<Secret> secrets) {
        this.secrets = List.copyOf(secrets);
    }

    static Redactor forWebhook(Secret url) {
        String path = "";
        try {
            path = Objects.requireNonNullElse(URI.create(url.reveal()).getRawPath(), "");
        } catch (IllegalArgumentException e) {
            // The provider checked the URL; nothing more to hide than the whole.
        }
        return path.length() > 1 ? new Redactor(List.of(url, new Secret(path))) : new Redactor(List.of(url));
    }

    static Redactor forToken(Secret token) {
        return new Redactor(List.of(token));
    }

    /**
     * The exception's class and the first line of its message, redacted and at most 200 characters:
     * "ConnectException: Failed to connect to /127.0.0.1:1".
     */
    String describe(Throwable failure) {
        String message = failure.getMessage() == null ? null : failure.getMessage().lines().findFirst().orElse("");
        String text = failure.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
        for (Secret secret : secrets) {
            text = secret.redact(text);
        }
        return text.length() <= 200 ? text : text.substring(0, 199) + "…";
    }

}
