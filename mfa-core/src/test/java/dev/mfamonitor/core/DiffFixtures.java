package dev.mfamonitor.core;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.Snapshot;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small builders shared by the diff engine tests. */
final class DiffFixtures {
    static final String MONITOR = "github-acme";
    static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
    static final Instant T1 = Instant.parse("2025-03-02T12:00:00Z");
    static final Instant T2 = Instant.parse("2025-03-03T12:00:00Z");

    private DiffFixtures() {
    }

    static Account member(String id, String name, MfaStatus mfa) {
        return new Account(id, name, "member", mfa);
    }

    static Account scoped(String id, String scope, MfaStatus mfa) {
        return new Account(id, "user-" + id, "iam-user", mfa, scope, Map.of());
    }

    static Snapshot snapshot(Instant at, Account... accounts) {
        return Snapshot.of("github", at, List.of(accounts));
    }

    static Snapshot snapshot(Instant at, List<Account> accounts) {
        return Snapshot.of("github", at, accounts);
    }

    static Snapshot withGaps(Instant at, List<Account> accounts, Gap... gaps) {
        return new Snapshot("aws", at, accounts, Map.of(), Map.of(), List.of(gaps));
    }

    static Snapshot withRequirement(Instant at, String name, MfaStatus status) {
        return new Snapshot("github", at, List.of(), Map.of(name, status), Map.of(), List.of());
    }

    /** The state after a run that saw {@code lastGood}: every account without MFA was alerted on then. */
    static MonitorState stateOf(Snapshot lastGood) {
        Map<String, Instant> alertedAt = new java.util.HashMap<>();
        lastGood.accounts().stream().filter(a -> a.mfa() == MfaStatus.DISABLED)
                .forEach(a -> alertedAt.put(a.id(), lastGood.observedAt()));
        return new MonitorState(Optional.of(lastGood), 0, Optional.empty(), alertedAt);
    }

    static MonitorState stateOf(Snapshot lastGood, Map<String, Instant> alertedAt) {
        return new MonitorState(Optional.of(lastGood), 0, Optional.empty(), alertedAt);
    }

    /** The state the engine would keep after a diff. */
    static MonitorState next(DiffEngine.Result result) {
        return new MonitorState(Optional.of(result.accepted()), 0, Optional.empty(), result.alertedAt());
    }

    static List<EventType> types(DiffEngine.Result result) {
        return result.events().stream().map(ChangeEvent::type).toList();
    }

    static List<ChangeEvent> ofType(DiffEngine.Result result, EventType type) {
        return result.events().stream().filter(e -> e.type() == type).toList();
    }

    static Account acceptedAccount(DiffEngine.Result result, String id) {
        return result.accepted().accounts().stream().filter(a -> a.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("accepted snapshot has no account " + id));
    }
}
