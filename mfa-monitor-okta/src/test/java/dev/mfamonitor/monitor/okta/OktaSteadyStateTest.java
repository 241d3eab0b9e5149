package dev.mfamonitor.monitor.okta;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.okta.FakeOkta;
import dev.mfamonitor.testkit.okta.FakeOkta.Kind;
import dev.mfamonitor.testkit.okta.FakeOkta.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static dev.mfamonitor.monitor.okta.OktaFixture.byName;
import static org.assertj.core.api.Assertions.assertThat;

/** Between full reads only the users the System Log and lastUpdated name are read, and the result equals a full read. */
class OktaSteadyStateTest {
    private final OktaFixture fixture = new OktaFixture();
    private final FakeOkta okta = fixture.okta;
    private OktaMonitor monitor;
    private Snapshot first;

    @BeforeEach
    void org() throws Exception {
        // 300 users with push; users 1-20 without any factor.
        okta.users(300);
        for (int i = 1; i <= 20; i++) {
            okta.get(FakeOkta.idOf(i)).clearFactors();
        }
        monitor = fixture.monitor();
        first = monitor.snapshot(fixture.first());
        fixture.context.advance(Duration.ofMinutes(15));
        okta.resetRequests();
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private Snapshot next(Snapshot previous) throws Exception {
        okta.resetRequests();
        return monitor.snapshot(fixture.after(previous));
    }

    @Test
    void factorActivationAndResetAreSeenThroughTheLogWithOnlyTheNamedUsersReRead() throws Exception {
        okta.activateFactor(FakeOkta.idOf(1), "token:software:totp");
        okta.activateFactor(FakeOkta.idOf(2), "sms");
        okta.resetFactors(FakeOkta.idOf(250));
        fixture.context.advance(Duration.ofMinutes(15));

        Snapshot second = next(first);

        assertThat(okta.factorReads()).as("only the users the log names")
                .containsExactlyInAnyOrder(FakeOkta.idOf(1), FakeOkta.idOf(2), FakeOkta.idOf(250));
        assertThat(okta.count(Kind.LOGS)).isEqualTo(1);
        FakeOkta.Request logQuery = okta.requests().stream().filter(r -> r.kind() == Kind.LOGS).findFirst().orElseThrow();
        assertThat(logQuery.param("since")).as("the cursor less five minutes of overlap").isEqualTo("2025-12-31T23:55:00.000Z");
        assertThat(logQuery.param("until")).as("bounded: a since-only query never ends").isEqualTo("2026-01-01T00:30:00.000Z");
        assertThat(logQuery.param("filter")).contains("eventType eq \"user.mfa.factor.activate\" or ")
                .contains("\"user.mfa.factor.reset_all\"").contains("\"user.lifecycle.deactivate\"")
                .contains("\"system.mfa.factor.deactivate\"");
        assertThat(okta.requests()).filteredOn(r -> r.kind() == Kind.USERS).extracting(r -> r.param("search"))
                .containsExactly("lastUpdated gt \"2025-12-31T23:55:00.000Z\"");
        assertThat(okta.apiRequests()).as("1 log page + 1 search page + 3 factor lists + 1 role page").isEqualTo(6);

        Map<String, Account> accounts = byName(second);
        assertThat(accounts.get("user1@acme.example").mfa()).isEqualTo(MfaStatus.ENABLED);
        assertThat(accounts.get("user2@acme.example").facts()).containsEntry("weakMfa", "true");
        assertThat(accounts.get("user250@acme.example").mfa()).isEqualTo(MfaStatus.DISABLED);
        assertThat(second.facts()).containsEntry("scan", "changes").containsEntry("lastFullScan", "2026-01-01T00:00:00Z")
                .containsEntry("logCursor", "2026-01-01T00:30:00Z");
        assertThat(second.accounts()).hasSize(300);

        Snapshot full = fixture.monitor().snapshot(fixture.first());
        assertThat(new HashSet<>(second.accounts())).as("the steady state's accounts equal a full read's")
                .isEqualTo(new HashSet<>(full.accounts()));
    }

    @Test
    void nothingChangedCostsOneLogPageOneSearchPageAndOneRolePage() throws Exception {
        Snapshot second = next(first);

        assertThat(okta.apiRequests()).isEqualTo(3);
        assertThat(okta.count(Kind.FACTORS)).isZero();
        assertThat(new HashSet<>(second.accounts())).isEqualTo(new HashSet<>(first.accounts()));
    }

    @Test
    void aDeactivatedUserReadsAsNoLongerNeedingMfaAndIsNotAFinding() throws Exception {
        okta.deactivate(FakeOkta.idOf(3));
        fixture.context.advance(Duration.ofMinutes(1));

        Snapshot second = next(first);

        Account gone = byName(second).get("user3@acme.example");
        assertThat(gone.mfa()).isEqualTo(MfaStatus.NOT_APPLICABLE);
        assertThat(gone.facts()).containsEntry("status", "DEPROVISIONED");
        assertThat(okta.factorReads()).as("a deactivated user's factors are not read").isEmpty();

        // The next full read still lists it (through the search the plain listing needs): it never vanishes.
        Snapshot full = fixture.monitor().snapshot(fixture.first());
        assertThat(byName(full).get("user3@acme.example").mfa()).isEqualTo(MfaStatus.NOT_APPLICABLE);
    }

    @Test
    void aNewUserAndADeletedUserAreSeenAndANewAdminIsMarked() throws Exception {
        okta.deactivate(FakeOkta.idOf(4));
        okta.delete(FakeOkta.idOf(4));
        okta.createUser("00unewcomer000000001", "newcomer@acme.example");
        okta.get(FakeOkta.idOf(5)).admin(true);
        fixture.context.advance(Duration.ofMinutes(1));

        Snapshot second = next(first);

        Map<String, Account> accounts = byName(second);
        assertThat(accounts).doesNotContainKey("user4@acme.example");
        assertThat(accounts.get("newcomer@acme.example").mfa()).isEqualTo(MfaStatus.DISABLED);
        assertThat(accounts.get("user5@acme.example").facts()).containsEntry("role", "admin");
        assertThat(okta.count(Kind.USER)).as("the deleted user, named by the log and not in the search").isEqualTo(1);
        assertThat(okta.factorReads()).containsExactly("00unewcomer000000001");
    }

    @Test
    void aFullReadHappensOnceTheFullScanIntervalHasPassed() throws Exception {
        monitor = fixture.monitor(fixture.config(Map.of("fullScanInterval", "6h")));
        fixture.context.advance(Duration.ofHours(5));
        Snapshot second = next(first);
        assertThat(second.facts()).containsEntry("scan", "changes");

        fixture.context.advance(Duration.ofMinutes(45));
        Snapshot third = next(second);

        assertThat(third.facts()).containsEntry("scan", "full").containsEntry("lastFullScan", "2026-01-01T06:00:00Z")
                .containsEntry("fullScanBecause", "fullScanInterval (PT6H) has passed");
        assertThat(okta.count(Kind.FACTORS)).isEqualTo(300);
    }

    @Test
    void anOrgWideFactorDeactivationMeansAFullRead() throws Exception {
        okta.logEvent("system.mfa.factor.deactivate");
        okta.get(FakeOkta.idOf(200)).clearFactors();   // what it did, unlogged per user
        fixture.context.advance(Duration.ofMinutes(1));

        Snapshot second = next(first);

        assertThat(second.facts()).containsEntry("scan", "full");
        assertThat(second.facts().get("fullScanBecause")).startsWith("a factor type was deactivated for the whole org");
        assertThat(byName(second).get("user200@acme.example").mfa()).isEqualTo(MfaStatus.DISABLED);
        assertThat(okta.count(Kind.FACTORS)).isEqualTo(300);
    }

    @Test
    void aFailedLogPageMeansAFullReadNotAGuess() throws Exception {
        okta.activateFactor(FakeOkta.idOf(1), "push");
        okta.script(r -> r.kind() == Kind.LOGS, -1, Reply.unavailable());
        fixture.context.advance(Duration.ofMinutes(1));

        Snapshot second = next(first);

        assertThat(second.facts()).containsEntry("scan", "full");
        assertThat(second.facts().get("fullScanBecause")).startsWith("a page of the System Log could not be read")
                .contains("503");
        assertThat(byName(second).get("user1@acme.example").mfa()).isEqualTo(MfaStatus.ENABLED);
        assertThat(okta.count(Kind.FACTORS)).isEqualTo(300);
    }

    @Test
    void aLogOnlyPartOfWhichCouldBeReadMeansAFullRead() throws Exception {
        for (int i = 1; i <= 20; i++) {
            okta.activateFactor(FakeOkta.idOf(i), "push");
        }
        for (int i = 21; i <= 1100; i++) {
            okta.logEvent("user.mfa.factor.update", FakeOkta.idOf(1 + i % 300));
        }
        // The second page (after the first 1,000 events) keeps failing.
        okta.script(r -> r.kind() == Kind.LOGS && !r.param("after").isEmpty(), -1, Reply.unavailable());
        fixture.context.advance(Duration.ofMinutes(1));

        Snapshot second = next(first);

        assertThat(second.facts()).containsEntry("scan", "full");
        assertThat(okta.count(Kind.FACTORS)).as("no re-read of what the first page named, then the full read").isEqualTo(300);
    }

    @Test
    void aCursorOlderThanTheLogsRetentionMeansAFullReadWithoutAskingTheLog() throws Exception {
        monitor = fixture.monitor(fixture.config(Map.of("fullScanInterval", "365d")));
        fixture.context.advance(Duration.ofDays(91));

        Snapshot second = next(first);

        assertThat(okta.count(Kind.LOGS)).isZero();
        assertThat(second.facts()).containsEntry("scan", "full");
        assertThat(second.facts().get("fullScanBecause")).contains("further back than the 90 days");
    }

    @Test
    void aSinceTheLogRefusesAsTooOldMeansAFullRead() throws Exception {
        okta.script(r -> r.kind() == Kind.LOGS, 1, Reply.error(400, "E0000053",
                "Invalid date. The 'since' date must be within the last 180 days."));

        Snapshot second = next(first);

        assertThat(second.facts()).containsEntry("scan", "full");
        assertThat(second.facts().get("fullScanBecause")).contains("E0000053");
    }

    @Test
    void aTokenThatMayNotReadTheLogStillWorksByFullReadsAndSaysSo() throws Exception {
        okta.script(r -> r.kind() == Kind.LOGS, -1, Reply.error(403, "E0000006",
                "You do not have permission to perform the requested action"));

        Snapshot second = next(first);

        assertThat(second.facts()).containsEntry("scan", "full");
        assertThat(second.notices()).singleElement().satisfies(n -> {
            assertThat(n.type()).isEqualTo(OktaMonitorProvider.SYSTEM_LOG_UNREADABLE);
            assertThat(n.detail()).contains("every run reads every user's factors");
        });
    }

    @Test
    void anEventArrivingLateInTheLogIsCaughtByTheNextRunsOverlap() throws Exception {
        okta.logLag(Duration.ofMinutes(2));
        okta.activateFactor(FakeOkta.idOf(6), "push");
        fixture.context.advance(Duration.ofSeconds(30));

        Snapshot second = next(first);
        assertThat(byName(second).get("user6@acme.example").mfa()).as("not in the log yet").isEqualTo(MfaStatus.DISABLED);

        fixture.context.advance(Duration.ofMinutes(3));
        Snapshot third = next(second);
        assertThat(byName(third).get("user6@acme.example").mfa()).isEqualTo(MfaStatus.ENABLED);
        assertThat(okta.factorReads()).containsExactly(FakeOkta.idOf(6));
    }

    @Test
    void aFullScanRequestReadsEverythingEvenWithAFreshCursor() throws Exception {
        Snapshot again = monitor.snapshot(fixture.first());

        assertThat(again.facts()).containsEntry("scan", "full").doesNotContainKey("fullScanBecause");
        assertThat(okta.count(Kind.FACTORS)).isEqualTo(300);
        assertThat(okta.count(Kind.LOGS)).isZero();
        assertThat(List.of(again.accounts().size())).containsExactly(300);
    }
}
