package dev.mfamonitor.spi;

/** What a monitor knows about one account's multi-factor authentication. */
public enum MfaStatus {
    /** The account signs in with a second factor. */
    ENABLED,
    /** The account can sign in interactively and has no second factor: a finding. */
    DISABLED,
    /** The account cannot sign in interactively (an IAM user without a console password), so MFA does not apply. */
    NOT_APPLICABLE,
    /** The monitor could not tell. Never reported as enabled or disabled. */
    UNKNOWN;

    /** Lower-case name as written in configuration and inventory files ({@code not_applicable}). */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses {@code enabled}, {@code disabled}, {@code not_applicable} or {@code unknown}, ignoring case.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static MfaStatus parse(String value) {
        for (MfaStatus status : values()) {
            if (status.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return status;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not an MFA status; use one of enabled, disabled, not_applicable, unknown");
    }
}
