package dev.mfamonitor.core;

import dev.mfamonitor.spi.Account;

/** Which accounts are the worst case without MFA: roots, admins and owners. Alerts escalate them; metrics and reports count them. */
public final class Privileged {
    private Privileged() {
    }

    /** Whether the account is a root account or has the role {@code admin} or {@code owner}. */
    public static boolean is(Account account) {
        String role = account.facts().getOrDefault("role", "");
        return account.kind().equals("root") || role.equals("admin") || role.equals("owner");
    }
}
