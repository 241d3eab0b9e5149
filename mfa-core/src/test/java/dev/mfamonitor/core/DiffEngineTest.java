package dev.mfamonitor.core;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.Gap;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.mfamonitor.core.DiffFixtures.MONITOR;
import static dev.mfamonitor.core.DiffFixtures.T0;
import static dev.mfamonitor.core.DiffFixtures.T1;
import static dev.mfamonitor.core.DiffFixtures.T2;
import static dev.mfamonitor.core.DiffFixtures.acceptedAccount;
import static dev.mfamonitor.core.DiffFixtures.member;
import static dev.mfamonitor.core.DiffFixtures.next;
import static dev.mfamonitor.core.DiffFixtures.ofType;
import static dev.mfamonitor.core.DiffFixtures.scoped;
import static dev.mfamonitor.core.DiffFixtures.snapshot;
import static dev.mfamonitor.core.DiffFixtures.stateOf;
import static dev.mfamonitor.core.DiffFixtures.types;
import static dev.mfamonitor.core.DiffFixtures.withGaps;
import static dev.mfamonitor.core.DiffFixtures.withRequirement;
import static org.assertj.core.api.Assertions.assertThat;

class DiffEngineTest {
    private final DiffEngine engine = new DiffEngine(Policy.defaults());

    private DiffEngine.Result diff(Snapshot previous, Snapshot current) {
        return engine.diff(MONITOR, stateOf(previous), current, T1, false);
    }

    // ---- status transitions of a known account ----

    @ParameterizedTest(name = "{0} -> {1} gives {2}")
    @CsvSource({
            "ENABLED,        DISABLED,       MFA_DISABLED",
            "NOT_APPLICABLE, DISABLED,       MFA_DISABLED",
            "UNKNOWN,        DISABLED,       MFA_DISABLED",
            "DISABLED,       ENABLED,        MFA_ENABLED",
            "DISABLED,       NOT_APPLICABLE, MFA_NOT_REQUIRED",
    })
    void statusChangeOfAKnownAccountGivesOneEvent(MfaStatus from, MfaStatus to, EventType expected) {
        Account before = member("1", "alice", from);
        Account after = member("1", "alice", to);

        DiffEngine.Result result = diff(snapshot(T0, before), snapshot(T1, after));

        assertThat(result.events()).hasSize(1);
        ChangeEvent event = result.events().get(0);
        assertThat(event.type()).isEqualTo(expected);
        assertThat(event.previous()).contains(from);
        assertThat(event.current()).contains(to);
        assertThat(event.account()).contains(after);
        assertThat(event.monitorId()).isEqualTo(MONITOR);
        assertThat(event.service()).isEqualTo("github");
        assertThat(event.at()).isEqualTo(T1);
        assertThat(result.accepted().accounts()).containsExactly(after);
        assertThat(result.withheld()).isZero();
    }

    @ParameterizedTest(name = "{0} -> {1} gives nothing")
    @CsvSource({
            "ENABLED,        UNKNOWN",
            "DISABLED,       UNKNOWN",
            "NOT_APPLICABLE, UNKNOWN",
            "UNKNOWN,        ENABLED",
            "UNKNOWN,        NOT_APPLICABLE",
            "ENABLED,        NOT_APPLICABLE",
            "NOT_APPLICABLE, ENABLED",
            "ENABLED,        ENABLED",
            "DISABLED,       DISABLED",
            "NOT_APPLICABLE, NOT_APPLICABLE",
            "UNKNOWN,        UNKNOWN",
    })
    void transitionsThatAreNoNewsGiveNoEvent(MfaStatus from, MfaStatus to) {
        Account after = member("1", "alice", to);

        DiffEngine.Result result = diff(snapshot(T0, member("1", "alice", from)), snapshot(T1, after));

        assertThat(result.events()).isEmpty();
        // A blind read (now UNKNOWN) keeps the last known status; everything else is kept as seen.
        MfaStatus kept = to == MfaStatus.UNKNOWN ? from : to;
        assertThat(result.accepted().accounts()).containsExactly(after.withMfa(kept));
    }

    @Test
    void disabledThroughUnknownToEnabledIsStillGoodNewsForTheGuard() {
        List<Account> disabled = new java.util.ArrayList<>();
        List<Account> unknown = new java.util.ArrayList<>();
        List<Account> enabled = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            disabled.add(member(String.valueOf(i), "user" + i, MfaStatus.DISABLED));
            unknown.add(member(String.valueOf(i), "user" + i, MfaStatus.UNKNOWN));
            enabled.add(member(String.valueOf(i), "user" + i, MfaStatus.ENABLED));
        }
        DiffEngine.Result blind = diff(snapshot(T0, disabled.toArray(Account[]::new)), snapshot(T1, unknown.toArray(Account[]::new)));
        assertThat(blind.events()).isEmpty();
        assertThat(blind.accepted().accounts()).allMatch(a -> a.mfa() == MfaStatus.DISABLED);
        assertThat(blind.alertedAt()).hasSize(50);

        DiffEngine.Result after = engine.diff(MONITOR, DiffFixtures.next(blind), snapshot(T1.plusSeconds(60),
                enabled.toArray(Account[]::new)), T1.plusSeconds(60), false);
        assertThat(types(after)).containsExactly(EventType.CHANGES_WITHHELD);
        assertThat(after.accepted().accounts()).allMatch(a -> a.mfa() == MfaStatus.DISABLED);
    }

    // ---- weak second factors ----

    @Test
    void anAccountWhoseSecondFactorBecomesWeakIsReported() {
        Account strong = member("1", "alice", MfaStatus.ENABLED);
        Account weak = new Account("1", "alice", "member", MfaStatus.ENABLED, "", Map.of("weakMfa", "true"));

        DiffEngine.Result result = diff(snapshot(T0, strong), snapshot(T1, weak));

        assertThat(types(result)).containsExactly(EventType.WEAK_MFA);
        assertThat(result.events().get(0).severity()).isEqualTo(Severity.MEDIUM);
        assertThat(result.events().get(0).account().orElseThrow().name()).isEqualTo("alice");
        assertThat(diff(snapshot(T0, weak), snapshot(T1, weak)).events()).as("still weak: no news").isEmpty();
        assertThat(diff(snapshot(T0, weak), snapshot(T1, strong)).events()).as("stronger: no alarm").isEmpty();
    }

    @Test
    void aNewAccountWithAWeakSecondFactorIsReported() {
        Account weak = new Account("2", "bob", "member", MfaStatus.ENABLED, "", Map.of("weakMfa", "true"));

        DiffEngine.Result result = diff(snapshot(T0, member("1", "alice", MfaStatus.ENABLED)),
                snapshot(T1, member("1", "alice", MfaStatus.ENABLED), weak));

        assertThat(types(result)).containsExactly(EventType.WEAK_MFA);
    }

    // ---- arrivals, departures, renames ----

    @Test
    void newAccountWithoutMfaIsReported() {
        Account alice = member("1", "alice", MfaStatus.ENABLED);
        Account bob = member("2", "bob", MfaStatus.DISABLED);

        DiffEngine.Result result = diff(snapshot(T0, alice), snapshot(T1, alice, bob));

        assertThat(result.events()).hasSize(1);
        ChangeEvent event = result.events().get(0);
        assertThat(event.type()).isEqualTo(EventType.NEW_ACCOUNT_WITHOUT_MFA);
        assertThat(event.severity()).isEqualTo(Severity.HIGH);
        assertThat(event.account()).contains(bob);
        assertThat(event.previous()).isEmpty();
        assertThat(event.current()).contains(MfaStatus.DISABLED);
        assertThat(result.alertedAt()).isEqualTo(Map.of("2", T1));
    }

    @ParameterizedTest
    @EnumSource(value = MfaStatus.class, names = {"ENABLED", "UNKNOWN", "NOT_APPLICABLE"})
    void newAccountThatIsNotWithoutMfaIsNoNews(MfaStatus status) {
        Account alice = member("1", "alice", MfaStatus.ENABLED);
        Account bob = member("2", "bob", status);

        DiffEngine.Result result = diff(snapshot(T0, alice), snapshot(T1, alice, bob));

        assertThat(result.events()).isEmpty();
        assertThat(result.accepted().accounts()).containsExactly(alice, bob);
    }

    @Test
    void removedAccountIsReportedWithItsOldRecord() {
        Account alice = member("1", "alice", MfaStatus.ENABLED);
        Account bob = member("2", "bob", MfaStatus.DISABLED);

        DiffEngine.Result result = diff(snapshot(T0, alice, bob), snapshot(T1, alice));

        assertThat(result.events()).hasSize(1);
        ChangeEvent event = result.events().get(0);
        assertThat(event.type()).isEqualTo(EventType.ACCOUNT_REMOVED);
        assertThat(event.severity()).isEqualTo(Severity.INFO);
        assertThat(event.account()).contains(bob);
        assertThat(event.previous()).contains(MfaStatus.DISABLED);
        assertThat(event.current()).isEmpty();
        assertThat(result.accepted().accounts()).containsExactly(alice);
    }

    @Test
    void renameIsNotADepartureAndAnArrival() {
        Account before = member("42", "alice", MfaStatus.DISABLED);
        Account renamed = member("42", "alice-smith", MfaStatus.DISABLED);

        DiffEngine.Result result = diff(snapshot(T0, before), snapshot(T1, renamed));

        assertThat(result.events()).isEmpty();
        assertThat(result.accepted().accounts()).containsExactly(renamed);
    }

    @Test
    void renamePlusDisableGivesOneMfaDisabledWithTheNewName() {
        Account before = member("42", "alice", MfaStatus.ENABLED);
        Account renamed = member("42", "alice-smith", MfaStatus.DISABLED);

        DiffEngine.Result result = diff(snapshot(T0, before), snapshot(T1, renamed));

        assertThat(types(result)).containsExactly(EventType.MFA_DISABLED);
        assertThat(result.events().get(0).account().orElseThrow().name()).isEqualTo("alice-smith");
    }

    // ---- first sight ----

    @Test
    void firstSightGivesOneBaselineSummaryInsteadOfAnAlertPerAccount() {
        Snapshot first = new Snapshot("github", T0, List.of(
                member("1", "carol", MfaStatus.DISABLED),
                member("2", "alice", MfaStatus.DISABLED),
                member("3", "bob", MfaStatus.DISABLED),
                member("4", "dave", MfaStatus.ENABLED),
                member("5", "erin", MfaStatus.ENABLED),
                member("6", "bot", MfaStatus.NOT_APPLICABLE),
                member("7", "ghost", MfaStatus.UNKNOWN)),
                Map.of("organization requires 2FA", MfaStatus.DISABLED), Map.of(), List.of());

        DiffEngine.Result result = engine.diff(MONITOR, MonitorState.NEW, first, T0, false);

        assertThat(result.events()).hasSize(1);
        ChangeEvent baseline = result.events().get(0);
        assertThat(baseline.type()).isEqualTo(EventType.BASELINE);
        assertThat(baseline.severity()).isEqualTo(Severity.INFO);
        assertThat(baseline.account()).isEmpty();
        assertThat(baseline.detail()).isEqualTo("7 accounts: 2 with MFA, 3 without (alice, bob, carol), "
                + "1 not applicable, 1 unknown; organization requires 2FA: disabled");
        assertThat(result.accepted()).isEqualTo(first);
        assertThat(result.alertedAt()).isEqualTo(Map.of("1", T0, "2", T0, "3", T0));
        assertThat(result.withheld()).isZero();
    }

    @Test
    void baselineCutsLongNameListsAndNamesGaps() {
        List<Account> accounts = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            accounts.add(scoped(String.format("%02d", i), "111", MfaStatus.DISABLED));
        }
        Snapshot first = withGaps(T0, accounts, new Gap("222", "role MfaMonitorReadOnly cannot be assumed"));

        DiffEngine.Result result = engine.diff(MONITOR, MonitorState.NEW, first, T0, false);

        StringBuilder names = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            names.append(i == 0 ? "" : ", ").append(String.format("user-%02d", i));
        }
        assertThat(types(result)).containsExactly(EventType.BASELINE);
        assertThat(result.events().get(0).detail()).isEqualTo("23 accounts: 0 with MFA, 23 without (" + names
                + " ... and 3 more), 0 not applicable, 0 unknown; not seen: 222 (role MfaMonitorReadOnly cannot be assumed)");
    }

    @Test
    void theBaselineNamesWeakMfaAndSortsNamesNaturally() {
        // Issue 12 item 33: u2 before u10, weak second factors named.
        Account weak = new Account("9", "erin", "member", MfaStatus.ENABLED, "", Map.of("weakMfa", "true"));
        Snapshot first = snapshot(T0, member("1", "u10", MfaStatus.DISABLED), member("2", "u2", MfaStatus.DISABLED),
                member("3", "u1", MfaStatus.DISABLED), weak, member("4", "alice", MfaStatus.ENABLED));

        DiffEngine.Result result = engine.diff(MONITOR, MonitorState.NEW, first, T0, false);

        assertThat(result.events().get(0).detail())
                .isEqualTo("5 accounts: 2 with MFA (1 weak: erin), 3 without (u1, u2, u10), 0 not applicable, 0 unknown");
    }

    // ---- source-level requirements ----

    @Test
    void requirementSwitchedOffIsHighSeverity() {
        String name = "organization requires 2FA";

        DiffEngine.Result result = diff(withRequirement(T0, name, MfaStatus.ENABLED), withRequirement(T1, name, MfaStatus.DISABLED));

        assertThat(result.events()).hasSize(1);
        ChangeEvent event = result.events().get(0);
        assertThat(event.type()).isEqualTo(EventType.REQUIREMENT_DISABLED);
        assertThat(event.severity()).isEqualTo(Severity.HIGH);
        assertThat(event.previous()).contains(MfaStatus.ENABLED);
        assertThat(event.current()).contains(MfaStatus.DISABLED);
        assertThat(event.detail()).isEqualTo(name);
        assertThat(event.account()).isEmpty();
    }

    @Test
    void requirementSwitchedOnIsReported() {
        String name = "organization requires 2FA";

        DiffEngine.Result result = diff(withRequirement(T0, name, MfaStatus.DISABLED), withRequirement(T1, name, MfaStatus.ENABLED));

        assertThat(types(result)).containsExactly(EventType.REQUIREMENT_ENABLED);
        assertThat(result.events().get(0).severity()).isEqualTo(Severity.INFO);
    }

    @ParameterizedTest(name = "requirement {0} -> {1} gives nothing")
    @CsvSource({"ENABLED, UNKNOWN", "UNKNOWN, ENABLED", "DISABLED, UNKNOWN"})
    void requirementToOrFromUnknownIsNoNews(MfaStatus from, MfaStatus to) {
        String name = "organization requires 2FA";

        DiffEngine.Result result = diff(withRequirement(T0, name, from), withRequirement(T1, name, to));

        assertThat(result.events()).isEmpty();
    }

    @Test
    void requirementFirstSeenDisabledAfterBeingUnreadableIsReported() {
        String name = "organization requires 2FA";

        DiffEngine.Result result = diff(withRequirement(T0, name, MfaStatus.UNKNOWN), withRequirement(T1, name, MfaStatus.DISABLED));

        assertThat(types(result)).containsExactly(EventType.REQUIREMENT_DISABLED);
        assertThat(result.events().get(0).previous()).contains(MfaStatus.UNKNOWN);
    }

    @Test
    void requirementSwitchedOffWhileUnreadableIsStillReported() {
        String name = "organization requires 2FA";
        DiffEngine.Result blind = diff(withRequirement(T0, name, MfaStatus.ENABLED), withRequirement(T1, name, MfaStatus.UNKNOWN));

        DiffEngine.Result result = engine.diff(MONITOR, next(blind), withRequirement(T2, name, MfaStatus.DISABLED), T2, false);

        assertThat(blind.events()).isEmpty();
        assertThat(types(result)).containsExactly(EventType.REQUIREMENT_DISABLED);
        assertThat(result.events().get(0).previous()).contains(MfaStatus.ENABLED);
    }

    // ---- gaps: parts of the source not seen ----

    @Test
    void accountsOfAnUnseenScopeAreKeptNotRemovedAndTheGapIsReportedOnce() {
        List<Account> in111 = List.of(scoped("a", "111", MfaStatus.ENABLED), scoped("b", "111", MfaStatus.DISABLED));
        List<Account> in222 = List.of(scoped("c", "222", MfaStatus.ENABLED), scoped("d", "222", MfaStatus.DISABLED));
        List<Account> all = new ArrayList<>(in111);
        all.addAll(in222);
        Snapshot previous = withGaps(T0, all);
        Gap gap = new Gap("222", "cannot assume role MfaMonitorReadOnly in 222");

        DiffEngine.Result failed = engine.diff(MONITOR, stateOf(previous), withGaps(T1, in111, gap), T1, false);

        assertThat(types(failed)).containsExactly(EventType.MONITOR_FAILED);
        ChangeEvent event = failed.events().get(0);
        assertThat(event.detail()).isEqualTo("could not see 222: cannot assume role MfaMonitorReadOnly in 222");
        assertThat(event.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(failed.accepted().accounts()).containsExactlyInAnyOrderElementsOf(all);
        assertThat(failed.accepted().gaps()).containsExactly(gap);

        DiffEngine.Result stillFailing = engine.diff(MONITOR, next(failed), withGaps(T2, in111, gap), T2, false);
        assertThat(stillFailing.events()).isEmpty();
        assertThat(stillFailing.accepted().accounts()).containsExactlyInAnyOrderElementsOf(all);

        DiffEngine.Result recovered = engine.diff(MONITOR, next(failed), withGaps(T2, all), T2, false);
        assertThat(types(recovered)).containsExactly(EventType.MONITOR_RECOVERED);
        assertThat(recovered.events().get(0).detail()).isEqualTo("sees 222 again");
    }

    @Test
    void accountsOfAScopeThatWasSeenAreRemovedEvenWhenAnotherScopeIsUnseen() {
        Account a = scoped("a", "111", MfaStatus.ENABLED);
        Account b = scoped("b", "111", MfaStatus.ENABLED);
        Account c = scoped("c", "222", MfaStatus.ENABLED);
        Gap gap = new Gap("222", "denied");

        DiffEngine.Result result = engine.diff(MONITOR, stateOf(withGaps(T0, List.of(a, b, c))),
                withGaps(T1, List.of(a), gap), T1, false);

        assertThat(types(result)).containsExactly(EventType.MONITOR_FAILED, EventType.ACCOUNT_REMOVED);
        assertThat(ofType(result, EventType.ACCOUNT_REMOVED).get(0).account()).contains(b);
        assertThat(result.accepted().accounts()).containsExactlyInAnyOrder(a, c);
    }

    @Test
    void wholeSourceGapKeepsEveryAccount() {
        Account a = scoped("a", "111", MfaStatus.DISABLED);
        Account c = scoped("c", "222", MfaStatus.ENABLED);

        DiffEngine.Result result = engine.diff(MONITOR, stateOf(withGaps(T0, List.of(a, c))),
                withGaps(T1, List.of(), new Gap(Gap.WHOLE_SOURCE, "report is stale")), T1, false);

        assertThat(types(result)).containsExactly(EventType.MONITOR_FAILED);
        assertThat(result.accepted().accounts()).containsExactlyInAnyOrder(a, c);
    }

    // ---- severity ----

    @Test
    void rootOrOwnerOrAdminWithoutMfaIsCritical() {
        Account root = new Account("root", "root", "root", MfaStatus.ENABLED);
        Account admin = new Account("2", "ada", "member", MfaStatus.ENABLED, "", Map.of("role", "admin"));
        Account owner = new Account("3", "otto", "member", MfaStatus.ENABLED, "", Map.of("role", "owner"));
        Account plain = new Account("4", "pat", "member", MfaStatus.ENABLED, "", Map.of("role", "member"));
        Account newOwner = new Account("5", "nora", "member", MfaStatus.DISABLED, "", Map.of("role", "owner"));

        DiffEngine.Result result = diff(snapshot(T0, root, admin, owner, plain),
                snapshot(T1, root.withMfa(MfaStatus.DISABLED), admin.withMfa(MfaStatus.DISABLED),
                        owner.withMfa(MfaStatus.DISABLED), plain.withMfa(MfaStatus.DISABLED), newOwner));

        Map<String, Severity> byName = new TreeMap<>();
        result.events().forEach(e -> byName.put(e.account().orElseThrow().name() + " " + e.type(), e.severity()));
        assertThat(byName).isEqualTo(Map.of(
                "root MFA_DISABLED", Severity.CRITICAL,
                "ada MFA_DISABLED", Severity.CRITICAL,
                "otto MFA_DISABLED", Severity.CRITICAL,
                "pat MFA_DISABLED", Severity.HIGH,
                "nora NEW_ACCOUNT_WITHOUT_MFA", Severity.CRITICAL));
    }

    @Test
    void goodNewsOfARootAccountIsNotEscalated() {
        Account root = new Account("root", "root", "root", MfaStatus.DISABLED);

        DiffEngine.Result result = diff(snapshot(T0, root), snapshot(T1, root.withMfa(MfaStatus.ENABLED)));

        assertThat(result.events()).extracting(ChangeEvent::severity).containsExactly(Severity.INFO);
    }

    // ---- stable ids ----

    @Test
    void aChangeDetectedAgainAgainstTheSamePreviousSnapshotKeepsItsId() {
        // Issue 12 item 41: a commit that failed leaves the previous snapshot in place; the next run sees the same
        // change in a newer snapshot and must raise it under the same id, so receivers can drop the repeat.
        Snapshot previous = snapshot(T0, member("1", "alice", MfaStatus.ENABLED), member("2", "bob", MfaStatus.ENABLED));
        Snapshot current = snapshot(T1, member("1", "alice", MfaStatus.DISABLED), member("2", "bob", MfaStatus.DISABLED));
        Snapshot later = snapshot(T2, member("1", "alice", MfaStatus.DISABLED), member("2", "bob", MfaStatus.DISABLED));

        List<String> first = engine.diff(MONITOR, stateOf(previous), current, T1, false).events().stream().map(ChangeEvent::id).toList();
        List<String> redetected = new DiffEngine(Policy.defaults()).diff(MONITOR, stateOf(previous), later, T2, false)
                .events().stream().map(ChangeEvent::id).toList();
        Snapshot otherPrevious = snapshot(T1, member("1", "alice", MfaStatus.ENABLED), member("2", "bob", MfaStatus.ENABLED));
        List<String> anotherChange = engine.diff(MONITOR, stateOf(otherPrevious), later, T2, false)
                .events().stream().map(ChangeEvent::id).toList();

        assertThat(first).hasSize(2).doesNotHaveDuplicates();
        assertThat(redetected).isEqualTo(first);
        assertThat(first.get(0)).isEqualTo(ChangeEvent.idOf(MONITOR, "1", EventType.MFA_DISABLED, T0));
        assertThat(anotherChange).hasSize(2).doesNotContainAnyElementsOf(first);
    }

    @Test
    void resultIsImmutable() {
        DiffEngine.Result result = diff(snapshot(T0, member("1", "a", MfaStatus.ENABLED)),
                snapshot(T1, member("1", "a", MfaStatus.DISABLED)));

        assertThat(result.events()).isUnmodifiable();
        assertThat(result.alertedAt()).isUnmodifiable();
        assertThat(acceptedAccount(result, "1").mfa()).isEqualTo(MfaStatus.DISABLED);
    }
}
