package dev.mfamonitor.monitor.entra;

import java.util.Optional;

/**
 * Graph or the token endpoint refused, or could not be reached in time. The message is for people: what happened, to
 * which tenant, and what to do; it never holds a secret, the access token or a client assertion.
 */
public final class EntraException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why, as far as the caller needs to decide what to do. */
    public enum Reason {
        /** A permission the endpoint needs was not granted (or not admin-consented). */
        PERMISSION_MISSING,
        /** The tenant has no Entra ID P1 or P2 licence. */
        NO_PREMIUM_LICENCE,
        /** The resource does not exist (a user looked up by id). */
        NOT_FOUND,
        /** The token endpoint refused the credential or the app. */
        AUTHENTICATION,
        /** Throttled or unavailable for longer than the deadline or the retries allow. */
        UNAVAILABLE,
        /** Anything else: a bad answer, an unexpected status. */
        OTHER
    }

    private final Reason reason;
    private final int status;
    private final String code;

    EntraException(Reason reason, int status, String code, String message) {
        super(message);
        this.reason = reason;
        this.status = status;
        this.code = code;
    }

    /** Why. */
    public Reason reason() {
        return reason;
    }

    /** The HTTP status, 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The service's error code ({@code Authorization_RequestDenied}, {@code AADSTS7000215}), if it sent one. */
    public Optional<String> code() {
        return Optional.ofNullable(code).filter(c -> !c.isEmpty());
    }
}
