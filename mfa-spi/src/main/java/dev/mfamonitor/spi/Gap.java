package dev.mfamonitor.spi;

import java.util.Objects;

/**
 * A part of a source the monitor could not see in this snapshot, for instance one AWS account out of twenty whose
 * role could not be assumed. Accounts of the previous snapshot in that scope are carried over unchanged rather
 * than reported as removed, and the gap itself is reported.
 *
 * @param scope  the {@link Account#scope()} that is missing, or {@link #WHOLE_SOURCE} for everything
 * @param reason what went wrong and what to do, for people; never a secret
 */
public record Gap(String scope, String reason) {
    /** The scope that stands for every account of the snapshot. */
    public static final String WHOLE_SOURCE = "*";

    public Gap {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(reason, "reason");
    }

    /** Whether this gap covers an account of the given scope. */
    public boolean covers(String accountScope) {
        return scope.equals(WHOLE_SOURCE) || scope.equals(accountScope);
    }
}
