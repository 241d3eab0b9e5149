package dev.mfamonitor.monitor.entra;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.entra.FakeEntra;
import dev.mfamonitor.testkit.entra.FakeEntra.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;

import static dev.mfamonitor.monitor.entra.EntraFixture.byName;
import static org.assertj.core.api.Assertions.assertThat;

/** Between full scans only what can have changed is read, and the result equals a full read. */
class EntraSteadyStateTest {
    private final EntraFixture fixture = new EntraFixture();
    private final FakeEntra entra = fixture.entra;

    @BeforeEach
    void tenant() {
        // 1,500 users: 100 without MFA (ids 1-100), 10 disabled (ids 101-110), the rest with MFA.
        entra.users(1500);
        for (int i = 1; i <= 100; i++) {
            entra.get(FakeEntra.idOf(i)).withoutMfa();
        }
        for (int i = 101; i <= 110; i++) {
            entra.get(FakeEntra.idOf(i)).accountEnabled(false);
        }
        entra.reportPageSize(100);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void theSteadyStateReadsOnlyTheListsOfChangeAndOneLookupPerLeaverAndAgreesWithAFullRead() throws Exception {
        EntraMonitor monitor = fixture.monitor();
        Snapshot first = monitor.snapshot(fixture.first());
        assertThat(entra.graphRequests()).as("first run: 15 report pages + 2 user pages + 2 policies").isEqualTo(19);
        assertThat(first.facts()).containsEntry("scan", "full").containsEntry("lastFullScan", "2026-01-01T00:00:00Z");

        entra.resetRequests();
        Snapshot unchanged = monitor.snapshot(fixture.after(first));
        assertThat(entra.graphRequests()).as("nothing changed: 1 page without MFA + 1 page of disabled users + 2 policies")
                .isEqualTo(4);
        assertThat(new HashSet<>(unchanged.accounts())).isEqualTo(new HashSet<>(first.accounts()));
        assertThat(unchanged.facts()).containsEntry("scan", "changes").containsEntry("lastFullScan", "2026-01-01T00:00:00Z");

        // Three register MFA, two new users arrive without it, one without MFA is disabled, one without MFA is deleted,
        // one with MFA loses it, one disabled user is enabled again (with MFA).
        for (int i = 1; i <= 3; i++) {
            entra.get(FakeEntra.idOf(i)).withMfa();
        }
        entra.user("f0000000-0000-4000-8000-000000000001", "new1@contoso.onmicrosoft.com").withoutMfa();
        entra.user("f0000000-0000-4000-8000-000000000002", "new2@contoso.onmicrosoft.com").withoutMfa().admin(true);
        entra.get(FakeEntra.idOf(4)).accountEnabled(false);
        entra.delete(FakeEntra.idOf(5));
        entra.get(FakeEntra.idOf(1000)).withoutMfa();
        entra.get(FakeEntra.idOf(101)).accountEnabled(true);
        fixture.context.advance(Duration.ofHours(1));
        entra.resetRequests();

        Snapshot changed = monitor.snapshot(fixture.after(unchanged));

        // 1 page without MFA + 1 page of disabled users + 2 policies
        // + /users lookups for the 3 new to the list (2 new users, user1000) + report lookups for the 3 who registered
        // and for user5 and user101, who left their lists + a /users lookup for user5, who is gone from the report too.
        assertThat(entra.count(Kind.REPORT)).isEqualTo(1);
        assertThat(entra.count(Kind.USERS)).isEqualTo(1);
        assertThat(entra.count(Kind.USER)).isEqualTo(4);
        assertThat(entra.count(Kind.REPORT_ROW)).isEqualTo(5);
        assertThat(entra.graphRequests()).isEqualTo(13);
        Map<String, Account> accounts = byName(changed);
        assertThat(accounts.get("user1@contoso.onmicrosoft.com").mfa()).isEqualTo(MfaStatus.ENABLED);
        assertThat(accounts.get("new1@contoso.onmicrosoft.com").mfa()).isEqualTo(MfaStatus.DISABLED);
        assertThat(accounts.get("new2@contoso.onmicrosoft.com").facts()).containsEntry("role", "admin");
        assertThat(accounts.get("user4@contoso.onmicrosoft.com").mfa()).isEqualTo(MfaStatus.NOT_APPLICABLE);
        assertThat(accounts).doesNotContainKey("user5@contoso.onmicrosoft.com");
        assertThat(accounts.get("user1000@contoso.onmicrosoft.com").mfa()).isEqualTo(MfaStatus.DISABLED);
        assertThat(accounts.get("user101@contoso.onmicrosoft.com").mfa()).isEqualTo(MfaStatus.ENABLED);

        Snapshot full = fixture.monitor().snapshot(fixture.first());
        assertThat(new HashSet<>(changed.accounts())).as("the steady state's accounts equal a full read's")
                .isEqualTo(new HashSet<>(full.accounts()));
    }

    @Test
    void aFullReadHappensOnceTheFullScanIntervalHasPassed() throws Exception {
        EntraMonitor monitor = fixture.monitor(Map.of("fullScanInterval", "6h"));
        Snapshot first = monitor.snapshot(fixture.first());

        fixture.context.advance(Duration.ofHours(5));
        entra.resetRequests();
        Snapshot second = monitor.snapshot(fixture.after(first));
        assertThat(entra.graphRequests()).isEqualTo(4);

        fixture.context.advance(Duration.ofHours(1));
        entra.resetRequests();
        Snapshot third = monitor.snapshot(fixture.after(second));
        assertThat(entra.graphRequests()).isEqualTo(19);
        assertThat(third.facts()).containsEntry("scan", "full").containsEntry("lastFullScan", "2026-01-01T06:00:00Z");
    }

    @Test
    void whenMoreLeftTheListsThanTheReportHasPagesEverythingIsReadInstead() throws Exception {
        EntraMonitor monitor = fixture.monitor();
        Snapshot first = monitor.snapshot(fixture.first());
        assertThat(first.facts()).containsEntry("reportPages", "15");
        for (int i = 1; i <= 16; i++) {
            entra.get(FakeEntra.idOf(i)).withMfa();
        }
        entra.resetRequests();

        Snapshot second = monitor.snapshot(fixture.after(first));

        // The two lists of change, then a full read (15 + 2 + 2) rather than 16 lookups at the report's rate.
        assertThat(entra.count(Kind.REPORT_ROW)).isZero();
        assertThat(entra.graphRequests()).isEqualTo(2 + 19);
        assertThat(second.facts()).containsEntry("scan", "full");
        assertThat(byName(second).get("user16@contoso.onmicrosoft.com").mfa()).isEqualTo(MfaStatus.ENABLED);
    }

    @Test
    void aChangedMfaFieldReadsEverythingAgain() throws Exception {
        Snapshot first = fixture.monitor().snapshot(fixture.first());
        entra.resetRequests();

        fixture.monitor(Map.of("mfaField", "capable")).snapshot(fixture.after(first));

        assertThat(entra.graphRequests()).isEqualTo(19);
    }
}
