package dev.mfamonitor.core;

/** What a run's exit code means; the same for every command, documented in the README. */
public enum ExitCode {
    /** All good. */
    OK(0),
    /** Findings: some account lacks MFA (only {@code check --fail-on-missing-mfa}). */
    FINDINGS(1),
    /** Usage or configuration error; nothing was touched. */
    USAGE(2),
    /** The run finished, but a monitor failed or deliveries are still pending. */
    INCOMPLETE(3),
    /** Another run holds the state lock; nothing was done. */
    LOCKED(4),
    /** The stored state is unreadable (corrupt, truncated, newer schema); it was left as it was. */
    STATE_UNREADABLE(5),
    /** Unexpected internal error. */
    INTERNAL(70);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    /** The process exit status. */
    public int code() {
        return code;
    }
}
