package dev.mfamonitor.spi;

/**
 * Every kind of change the engine reports, in the order alerts list them (most severe first).
 * Notifiers group a run's events by monitor and type and show {@link #words()}.
 */
public enum EventType {
    /** An account that had MFA (or did not need it) can now sign in without a second factor. */
    MFA_DISABLED("MFA disabled", Severity.HIGH, false),
    /** An account appeared that can sign in without a second factor. */
    NEW_ACCOUNT_WITHOUT_MFA("New account without MFA", Severity.HIGH, false),
    /** A source-level setting that required MFA was switched off (GitHub's "require 2FA"). */
    REQUIREMENT_DISABLED("MFA requirement disabled", Severity.HIGH, false),
    /** Something could not be delivered to a notifier within the give-up age; sent through the others. */
    DELIVERY_ABANDONED("Alerts abandoned for a notifier", Severity.HIGH, false),
    /**
     * An account's second factor is of a weak kind (SMS; only a virtual device on an AWS root account): its
     * {@code weakMfa} fact became {@code true}, or a new account arrived with it.
     */
    WEAK_MFA("Weak MFA", Severity.MEDIUM, false),
    /** An exception that silenced an account has expired. */
    EXCEPTION_EXPIRED("Exception expired", Severity.MEDIUM, false),
    /** A monitor failed; sent once per failure streak. */
    MONITOR_FAILED("Monitor failed", Severity.MEDIUM, false),
    /** A monitor's good news looked too good to be true and was held back; its old snapshot is kept. */
    CHANGES_WITHHELD("Good news withheld", Severity.MEDIUM, false),
    /** An account is still without MFA after the reminder interval. */
    REMINDER("Still without MFA", Severity.LOW, false),
    /** An account turned MFA on. */
    MFA_ENABLED("MFA enabled", Severity.INFO, true),
    /** An account without MFA no longer needs it (it lost its console password, say). */
    MFA_NOT_REQUIRED("MFA no longer required", Severity.INFO, true),
    /** An account left the source. */
    ACCOUNT_REMOVED("Account removed", Severity.INFO, true),
    /** A source-level MFA requirement was switched on. */
    REQUIREMENT_ENABLED("MFA requirement enabled", Severity.INFO, false),
    /** A failed monitor works again. */
    MONITOR_RECOVERED("Monitor recovered", Severity.INFO, false),
    /** The first snapshot of a monitor: one summary instead of an alert per account. */
    BASELINE("Baseline", Severity.INFO, false);

    private final String words;
    private final Severity defaultSeverity;
    private final boolean goodNews;

    EventType(String words, Severity defaultSeverity, boolean goodNews) {
        this.words = words;
        this.defaultSeverity = defaultSeverity;
        this.goodNews = goodNews;
    }

    /** The type in words for people, such as "MFA disabled". */
    public String words() {
        return words;
    }

    /** The severity the engine gives this type unless the account makes it worse (root, owners). */
    public Severity defaultSeverity() {
        return defaultSeverity;
    }

    /**
     * Whether this change makes the attack surface look smaller. Good news is what a broken monitor produces by
     * mistake (a list that came back short), so the engine's guard withholds it when there is too much at once.
     */
    public boolean goodNews() {
        return goodNews;
    }
}
