package dev.mfamonitor.benchmarks;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.Snapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A realistic pair of snapshots for the diff engine: N accounts shaped like GitHub members (numeric id, login, a role
 * fact), 5% of them without MFA and already alerted on, and 1% of the accounts changed between the two snapshots:
 * in equal parts MFA switched off, MFA switched on, an account removed and a new account without MFA.
 */
public final class DiffWorkload {
    public static final Instant BEFORE = Instant.parse("2026-11-01T00:00:00Z");
    public static final Instant NOW = BEFORE.plus(Duration.ofHours(1));

    public final MonitorState state;
    public final Snapshot current;
    /** How many accounts differ between the two snapshots. */
    public final int changed;

    public DiffWorkload(int accounts) {
        List<Account> previous = new ArrayList<>(accounts);
        Map<String, Instant> alertedAt = new HashMap<>();
        for (int i = 0; i < accounts; i++) {
            // Those switching MFA on in the new snapshot were without it before.
            boolean without = i % 20 == 7 || changeOf(i) == 1;
            Account account = account(i, without ? MfaStatus.DISABLED : MfaStatus.ENABLED);
            previous.add(account);
            if (account.mfa() == MfaStatus.DISABLED) {
                alertedAt.put(account.id(), BEFORE);
            }
        }
        List<Account> next = new ArrayList<>(accounts);
        int changes = 0;
        for (int i = 0; i < accounts; i++) {
            Account was = previous.get(i);
            int change = changeOf(i);
            if (change < 0) {
                next.add(was);
                continue;
            }
            changes++;
            switch (change) {
                case 0 -> next.add(was.withMfa(MfaStatus.DISABLED));
                case 1 -> next.add(was.withMfa(MfaStatus.ENABLED));
                case 2 -> { } // removed
                default -> {
                    next.add(was);
                    next.add(account(accounts + i, MfaStatus.DISABLED));
                }
            }
        }
        this.state = new MonitorState(Optional.of(Snapshot.of("github", BEFORE, previous)), 0, Optional.empty(), alertedAt);
        this.current = Snapshot.of("github", NOW, next);
        this.changed = changes;
    }

    /** -1 for an unchanged account, else 0 (MFA off), 1 (MFA on), 2 (removed), 3 (a new account joins beside it). */
    private static int changeOf(int i) {
        return i % 100 == 50 ? (i / 100) % 4 : -1;
    }

    private static Account account(int i, MfaStatus mfa) {
        return new Account(Integer.toString(1_000_000 + i), "user" + i, "member", mfa, "",
                Map.of("role", i % 1000 == 0 ? "admin" : "member"));
    }
}
