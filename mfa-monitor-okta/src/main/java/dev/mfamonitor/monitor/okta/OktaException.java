package dev.mfamonitor.monitor.okta;

import java.util.Optional;

/**
 * Okta or its token endpoint refused, or could not be reached in time. The message is for people: what happened, to
 * which org, and what to do; it never holds the API token, the private key, a client assertion or an access token.
 */
public final class OktaException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why, as far as the caller needs to decide what to do. */
    public enum Reason {
        /** The API token or the service app's credentials were refused (401 E0000011, invalid_client). */
        AUTHENTICATION,
        /** The token's admin or the service app lacks a permission or scope (403 E0000006). */
        PERMISSION,
        /** A rate limit would have been passed, or was, and its reset comes after the scan's deadline. */
        RATE_LIMITED,
        /** The resource does not exist (a user deleted since it was listed). */
        NOT_FOUND,
        /** A {@code since} older than the System Log keeps (400 E0000053). */
        LOG_RETENTION,
        /** Okta kept failing (5xx, no answer) or the deadline passed. */
        UNAVAILABLE,
        /** Anything else: a bad answer, an unexpected status. */
        OTHER
    }

    private final Reason reason;
    private final int status;
    private final String code;

    OktaException(Reason reason, int status, String code, String message) {
        super(message);
        this.reason = reason;
        this.status = status;
        this.code = code == null ? "" : code;
    }

    /** Why. */
    public Reason reason() {
        return reason;
    }

    /** The HTTP status, 0 when no answer came. */
    public int status() {
        return status;
    }

    /** Okta's {@code errorCode} ({@code E0000011}) or the OAuth {@code error}, if it sent one. */
    public Optional<String> code() {
        return code.isEmpty() ? Optional.empty() : Optional.of(code);
    }
}
