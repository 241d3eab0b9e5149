package dev.mfamonitor.spi;

import java.util.Objects;

/**
 * A secret value (token, webhook URL, signing key). Its {@link #toString()} is {@code ****}, so that it cannot reach a
 * log line or a message by accident; call {@link #reveal()} only where the value is handed to a client.
 */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The secret value. Never log it, never put it in an exception message. */
    public String reveal() {
        return value;
    }

    /** Replaces every occurrence of the secret in {@code text} with {@code ****}; for messages built from foreign errors. */
    public String redact(String text) {
        if (text == null || value.isEmpty()) {
            return text;
        }
        return text.replace(value, "****");
    }

    @Override
    public String toString() {
        return "****";
    }
}
