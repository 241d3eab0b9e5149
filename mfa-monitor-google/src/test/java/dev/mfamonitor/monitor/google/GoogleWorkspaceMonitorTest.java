package dev.mfamonitor.monitor.google;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GoogleWorkspaceMonitorTest {
    private final GoogleFixture fixture = new GoogleFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static Map<String, Account> byId(Snapshot snapshot) {
        return snapshot.accounts().stream().collect(Collectors.toMap(Account::id, Function.identity()));
    }

    @Test
    void readsEveryPageOf2345UsersWithOneTokenAndFivePagesOf500() throws Exception {
        fixture.fake.users(2_344);

        Snapshot snapshot = fixture.monitor().snapshot(fixture.first());

        assertThat(snapshot.accounts()).hasSize(2_345);
        assertThat(snapshot.service()).isEqualTo("google-workspace");
        assertThat(snapshot.complete()).isTrue();
        assertThat(snapshot.accounts()).allSatisfy(a -> {
            assertThat(a.mfa()).isEqualTo(MfaStatus.ENABLED);
            assertThat(a.kind()).isEqualTo("user");
        });
        assertThat(byId(snapshot).get("100000000000000002345").name()).isEqualTo("user002345@acme.example");
        assertThat(fixture.fake.tokenRequests()).isEqualTo(1);
        assertThat(fixture.fake.listRequests()).isEqualTo(5);
        assertThat(fixture.fake.getRequests()).isZero();
        List<String> lists = fixture.fake.requests().stream().filter(r -> r.startsWith("GET ")).toList();
        assertThat(lists).allSatisfy(r -> assertThat(r).contains("customer=my_customer").contains("maxResults=500")
                .contains("fields=nextPageToken%2Cusers%28id%2CprimaryEmail%2CisEnrolledIn2Sv%2CisEnforcedIn2Sv"));
        assertThat(lists.get(0)).doesNotContain("pageToken=");
        assertThat(lists.subList(1, 5)).allSatisfy(r -> assertThat(r).contains("pageToken="));
        assertThat(snapshot.requirements()).containsExactly(
                Map.entry(GoogleWorkspaceMonitor.ENFORCED_REQUIREMENT, MfaStatus.ENABLED));
    }

    @Test
    void statusRoleAndStateComeFromTheDocumentedFields() throws Exception {
        fixture.fake.users(6);
        fixture.fake.userAt(1).enrolled(false);
        fixture.fake.userAt(2).suspended(true).enrolled(false);
        fixture.fake.userAt(3).archived(true).enrolled(false);
        fixture.fake.userAt(4).delegatedAdmin(true).enrolled(false);
        fixture.fake.userAt(5).admin(true).enrolled(false);

        Map<String, Account> accounts = byId(fixture.monitor().snapshot(fixture.first()));

        Account admin = accounts.get(fixture.fake.userAt(0).id());
        assertThat(admin.mfa()).isEqualTo(MfaStatus.ENABLED);
        assertThat(admin.facts()).containsEntry("role", "admin");
        assertThat(accounts.get(fixture.fake.userAt(1).id()).mfa()).isEqualTo(MfaStatus.DISABLED);
        assertThat(accounts.get(fixture.fake.userAt(1).id()).facts()).doesNotContainKey("role");
        assertThat(accounts.get(fixture.fake.userAt(2).id()).mfa()).isEqualTo(MfaStatus.NOT_APPLICABLE);
        assertThat(accounts.get(fixture.fake.userAt(2).id()).facts()).containsEntry("state", "suspended");
        assertThat(accounts.get(fixture.fake.userAt(3).id()).mfa()).isEqualTo(MfaStatus.NOT_APPLICABLE);
        assertThat(accounts.get(fixture.fake.userAt(3).id()).facts()).containsEntry("state", "archived");
        assertThat(accounts.get(fixture.fake.userAt(4).id()).facts()).containsEntry("role", "delegated-admin");
        assertThat(accounts.get(fixture.fake.userAt(4).id()).mfa()).isEqualTo(MfaStatus.DISABLED);
        assertThat(accounts.get(fixture.fake.userAt(5).id()).facts()).containsEntry("role", "admin");
        assertThat(accounts.get(fixture.fake.userAt(5).id()).mfa()).isEqualTo(MfaStatus.DISABLED);
    }

    @Test
    void aUserTheListCallsNotEnrolledIsReadAgainAndTheSingleReadWins() throws Exception {
        fixture.fake.users(700);
        Monitor monitor = fixture.monitor();
        Snapshot first = monitor.snapshot(fixture.first());
        String misreported = fixture.fake.userAt(600).id();
        String reallyDisabled = fixture.fake.userAt(601).id();
        fixture.fake.listSaysNotEnrolled(misreported);
        fixture.fake.userAt(601).enrolled(false);

        Snapshot second = monitor.snapshot(fixture.after(first));

        assertThat(byId(second).get(misreported).mfa()).as("users.get says enrolled").isEqualTo(MfaStatus.ENABLED);
        assertThat(byId(second).get(reallyDisabled).mfa()).as("users.get agrees: not enrolled").isEqualTo(MfaStatus.DISABLED);
        assertThat(fixture.fake.getRequests()).isEqualTo(2);
        assertThat(fixture.fake.requests()).anySatisfy(r -> assertThat(r).startsWith("GET /admin/directory/v1/users/" + misreported + "?"));
        assertThat(second.facts()).containsEntry("confirmedWithUsersGet", "2");
    }

    @Test
    void nobodyIsReadAgainOnAFirstRunOrWhenTheyHadNo2svBefore() throws Exception {
        fixture.fake.users(10);
        fixture.fake.userAt(3).enrolled(false);
        Monitor monitor = fixture.monitor();
        Snapshot first = monitor.snapshot(fixture.first());

        monitor.snapshot(fixture.after(first));

        assertThat(byId(first).get(fixture.fake.userAt(3).id()).mfa()).isEqualTo(MfaStatus.DISABLED);
        assertThat(fixture.fake.getRequests()).isZero();
    }

    @Test
    void enforcementSwitchedOffForAnOrganisationalUnitDisablesTheRequirementNamingHowMany() throws Exception {
        fixture.fake.users(20);
        fixture.fake.userAt(19).suspended(true).enforced(false);
        Monitor monitor = fixture.monitor();
        Snapshot before = monitor.snapshot(fixture.first());
        for (int i = 5; i < 12; i++) {
            fixture.fake.userAt(i).orgUnitPath("/Sales").enforced(false);
        }

        Snapshot after = monitor.snapshot(fixture.after(before));

        assertThat(before.requirements()).containsEntry(GoogleWorkspaceMonitor.ENFORCED_REQUIREMENT, MfaStatus.ENABLED);
        assertThat(before.facts()).containsEntry("activeUsers", "20").containsEntry("usersNotEnforced", "0");
        assertThat(after.requirements()).containsEntry(GoogleWorkspaceMonitor.ENFORCED_REQUIREMENT, MfaStatus.DISABLED);
        assertThat(after.facts()).containsEntry(GoogleWorkspaceMonitor.ENFORCED_REQUIREMENT, "7 of 20 active users are not enforced")
                .containsEntry("usersNotEnforced", "7");
        assertThat(byId(after).get(fixture.fake.userAt(5).id()).facts()).containsEntry("2svEnforced", "false");
    }

    @Test
    void quotaAnswersAreRetriedWithExponentialBackoff() throws Exception {
        fixture.fake.users(1_200);
        fixture.fake.failNextList(2, "userRateLimitExceeded").failNextList(1, "quotaExceeded").failNextList(1, "rateLimitExceeded");

        Snapshot snapshot = fixture.monitor().snapshot(fixture.first());

        assertThat(snapshot.accounts()).hasSize(1_201);
        assertThat(fixture.fake.listRequests()).isEqualTo(3 + 4);
        List<Duration> sleeps = fixture.context.sleeps();
        assertThat(sleeps).hasSize(4);
        // Full jitter between half and all of 1 s, 2 s, 4 s, 8 s: each wait longer than the last but one.
        for (int i = 0; i < sleeps.size(); i++) {
            long ceiling = 1000L << i;
            assertThat(sleeps.get(i).toMillis()).as("wait %d", i + 1).isBetween(ceiling / 2, ceiling);
        }
    }

    @Test
    void quotaThatOutlastsTheDeadlineFailsTheSnapshotWithoutWaitingPastIt() throws Exception {
        fixture.fake.users(100);
        fixture.fake.failNextList(1_000, "rateLimitExceeded");
        Monitor monitor = fixture.monitor();
        ScanRequest request = new ScanRequest(Optional.empty(), true, Deadline.after(Duration.ofSeconds(20), fixture.context.nanoTime()));

        assertThatThrownBy(() -> monitor.snapshot(request))
                .hasMessageContaining("users.list page 1 of customer my_customer")
                .hasMessageContaining("429 rateLimitExceeded 'Rate Limit Exceeded'")
                .hasMessageContaining("deadline");
        assertThat(fixture.context.slept()).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aPageThatKeepsFailingFailsTheSnapshot() throws Exception {
        fixture.fake.users(2_000);
        fixture.fake.failPage(3);

        assertThatThrownBy(() -> fixture.monitor().snapshot(fixture.first()))
                .hasMessageContaining("users.list page 3 of customer my_customer failed 8 times")
                .hasMessageContaining("500 backendError 'Backend Error'");
        assertThat(fixture.fake.listRequests()).isEqualTo(2 + 8);
    }

    @Test
    void theTokenIsKeptForItsLifeAndRenewedAfter() throws Exception {
        fixture.fake.users(3);
        Monitor monitor = fixture.monitor();

        monitor.snapshot(fixture.first());
        fixture.context.advance(Duration.ofMinutes(50));
        monitor.snapshot(fixture.first());
        assertThat(fixture.fake.tokenRequests()).isEqualTo(1);

        fixture.context.advance(Duration.ofMinutes(10));
        monitor.snapshot(fixture.first());
        assertThat(fixture.fake.tokenRequests()).isEqualTo(2);
        assertThat(fixture.fake.tokenRefusals()).isEmpty();
    }

    @Test
    void aTokenTheApiRefusesIsReplacedOnceAndTheScanGoesOn() throws Exception {
        fixture.fake.users(600);
        Monitor monitor = fixture.monitor();
        monitor.snapshot(fixture.first());
        fixture.fake.revokeTokens();

        Snapshot snapshot = monitor.snapshot(fixture.first());

        assertThat(snapshot.accounts()).hasSize(601);
        assertThat(fixture.fake.tokenRequests()).isEqualTo(2);
        assertThat(fixture.fake.listRequests()).as("2 pages, then the refused one again and the second").isEqualTo(2 + 3);
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        fixture.fake.users(3);
        fixture.fake.redirectTo("https://login.proxy.example/sso");

        assertThatThrownBy(() -> fixture.monitor().snapshot(fixture.first()))
                .hasMessageContaining("users.list page 1 of customer my_customer answered a redirect (302 to https://login.proxy.example/sso)")
                .hasMessageContaining("not followed");
        assertThat(fixture.fake.listRequests()).isEqualTo(1);
    }
}
