package dev.mfamonitor.core;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static dev.mfamonitor.core.DiffFixtures.MONITOR;
import static dev.mfamonitor.core.DiffFixtures.T0;
import static dev.mfamonitor.core.DiffFixtures.T1;
import static dev.mfamonitor.core.DiffFixtures.acceptedAccount;
import static dev.mfamonitor.core.DiffFixtures.member;
import static dev.mfamonitor.core.DiffFixtures.ofType;
import static dev.mfamonitor.core.DiffFixtures.snapshot;
import static dev.mfamonitor.core.DiffFixtures.stateOf;
import static org.assertj.core.api.Assertions.assertThat;

/** The guard against false all-clears (DESIGN.md, "One run", step 7). */
class DiffGuardTest {
    private final DiffEngine engine = new DiffEngine(Policy.defaults());

    private static List<Account> accounts(int count, MfaStatus status) {
        List<Account> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(member(String.format("%03d", i), String.format("user%03d", i), status));
        }
        return list;
    }

    @Test
    void tooManyRemovalsAtOnceAreWithheldButBadNewsStillGoesOut() {
        List<Account> before = accounts(100, MfaStatus.ENABLED);
        List<Account> after = new ArrayList<>(before.subList(60, 100));
        after.set(0, after.get(0).withMfa(MfaStatus.DISABLED)); // account 060 loses MFA

        DiffEngine.Result result = engine.diff(MONITOR, stateOf(snapshot(T0, before)), snapshot(T1, after), T1, false);

        assertThat(result.events()).extracting(ChangeEvent::type)
                .containsExactly(EventType.MFA_DISABLED, EventType.CHANGES_WITHHELD);
        assertThat(result.events().get(0).account().orElseThrow().id()).isEqualTo("060");
        ChangeEvent withheld = result.events().get(1);
        assertThat(withheld.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(withheld.detail()).isEqualTo("60 good-news changes withheld (60 Account removed) of 100 accounts: "
                + "so much at once looks like a monitor that saw too little, so the old status of these accounts is kept. "
                + "If the changes are real, run once with --accept-changes.");
        assertThat(result.withheld()).isEqualTo(60);
        assertThat(result.accepted().accounts()).hasSize(100);
        assertThat(result.accepted().accounts()).containsAll(before.subList(0, 60));
        assertThat(acceptedAccount(result, "060").mfa()).isEqualTo(MfaStatus.DISABLED);
        assertThat(result.alertedAt()).containsOnlyKeys("060");
    }

    @Test
    void withheldMfaEnabledKeepsTheAccountsOldStatus() {
        List<Account> before = accounts(20, MfaStatus.DISABLED);
        List<Account> after = before.stream().map(a -> a.withMfa(MfaStatus.ENABLED)).toList();

        DiffEngine.Result result = engine.diff(MONITOR, stateOf(snapshot(T0, before)), snapshot(T1, after), T1, false);

        assertThat(result.events()).extracting(ChangeEvent::type).containsExactly(EventType.CHANGES_WITHHELD);
        assertThat(result.events().get(0).detail()).startsWith("20 good-news changes withheld (20 MFA enabled) of 20 accounts");
        assertThat(result.withheld()).isEqualTo(20);
        assertThat(result.accepted().accounts()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void acceptGoodNewsLetsEveryChangeThrough() {
        List<Account> before = accounts(100, MfaStatus.ENABLED);
        List<Account> after = before.subList(60, 100);

        DiffEngine.Result result = engine.diff(MONITOR, stateOf(snapshot(T0, before)), snapshot(T1, after), T1, true);

        assertThat(ofType(result, EventType.ACCOUNT_REMOVED)).hasSize(60);
        assertThat(result.events()).hasSize(60);
        assertThat(result.withheld()).isZero();
        assertThat(result.accepted().accounts()).containsExactlyElementsOf(after);
    }

    @ParameterizedTest(name = "{1} of {0} removed: withheld={2}")
    @CsvSource({
            "50,  10, false", // not more than 10 changes
            "200, 11, false", // more than 10, but not more than 10%
            "100, 11, true",  // more than 10 and more than 10%
            "110, 11, false", // exactly 10%: not more
            "100, 10, false",
    })
    void thresholdNeedsMoreThanTenChangesAndMoreThanTenPercent(int total, int removed, boolean withheld) {
        List<Account> before = accounts(total, MfaStatus.ENABLED);
        Snapshot previous = snapshot(T0, before);
        Snapshot current = snapshot(T1, before.subList(removed, total));

        DiffEngine.Result result = engine.diff(MONITOR, stateOf(previous), current, T1, false);

        if (withheld) {
            assertThat(result.events()).extracting(ChangeEvent::type).containsExactly(EventType.CHANGES_WITHHELD);
            assertThat(result.withheld()).isEqualTo(removed);
            assertThat(result.accepted().accounts()).hasSize(total);
        } else {
            assertThat(result.events()).extracting(ChangeEvent::type).hasSize(removed).containsOnly(EventType.ACCOUNT_REMOVED);
            assertThat(result.withheld()).isZero();
            assertThat(result.accepted().accounts()).hasSize(total - removed);
        }
    }

    @Test
    void badNewsNeverCountsTowardsTheGuard() {
        List<Account> before = accounts(100, MfaStatus.ENABLED);
        List<Account> after = before.stream().map(a -> a.withMfa(MfaStatus.DISABLED)).toList();

        DiffEngine.Result result = engine.diff(MONITOR, stateOf(snapshot(T0, before)), snapshot(T1, after), T1, false);

        assertThat(ofType(result, EventType.MFA_DISABLED)).hasSize(100);
        assertThat(result.events()).hasSize(100);
        assertThat(result.withheld()).isZero();
    }
}
