package dev.mfamonitor.monitor.okta;

import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.LogCapture;
import dev.mfamonitor.testkit.okta.FakeOkta;
import dev.mfamonitor.testkit.okta.FakeOkta.Kind;
import dev.mfamonitor.testkit.okta.FakeOkta.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.mfamonitor.monitor.okta.OktaFixture.byName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What one full read makes of an org: paging, statuses, factors, admins, and Okta's refusals. */
class OktaMonitorTest {
    private final OktaFixture fixture = new OktaFixture();
    private final FakeOkta okta = fixture.okta;

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aThousandUsersAreReadOverFivePagesOfLinkHeadersAndOneFactorListEach() throws Exception {
        okta.users(1000);

        Snapshot snapshot = fixture.monitor().snapshot(fixture.first());

        assertThat(snapshot.accounts()).hasSize(1000).allSatisfy(a -> {
            assertThat(a.mfa()).isEqualTo(MfaStatus.ENABLED);
            assertThat(a.kind()).isEqualTo("user");
            assertThat(a.facts()).containsEntry("factors", "push").containsEntry("status", "ACTIVE");
        });
        assertThat(snapshot.accounts()).extracting(Account::id).doesNotHaveDuplicates()
                .contains(FakeOkta.idOf(1), FakeOkta.idOf(200), FakeOkta.idOf(201), FakeOkta.idOf(1000));
        List<FakeOkta.Request> listings = okta.requests().stream().filter(r -> r.kind() == Kind.USERS).toList();
        assertThat(listings).extracting(r -> r.param("after")).as("the plain listing, five pages by Link, then the search")
                .containsExactly("", FakeOkta.idOf(200), FakeOkta.idOf(400), FakeOkta.idOf(600), FakeOkta.idOf(800), "");
        assertThat(listings.get(5).param("search")).isEqualTo("status eq \"DEPROVISIONED\"");
        assertThat(okta.count(Kind.FACTORS)).isEqualTo(1000);
        assertThat(okta.count(Kind.ROLES)).isEqualTo(1);
        assertThat(snapshot.facts()).containsEntry("scan", "full").containsEntry("adminRoles", "read")
                .containsEntry("lastFullScan", "2026-01-01T00:00:00Z").containsEntry("logCursor", "2026-01-01T00:00:00Z");
        assertThat(okta.maxConcurrentRequests()).as("one request at a time").isEqualTo(1);
    }

    @Test
    void aDeactivatedOrSuspendedUserNeedsNoMfaAndItsFactorsAreNotRead() throws Exception {
        okta.user(FakeOkta.idOf(1), "gone@acme.example").status("DEPROVISIONED");
        okta.user(FakeOkta.idOf(2), "paused@acme.example").status("SUSPENDED");
        okta.user(FakeOkta.idOf(3), "active@acme.example");

        Map<String, Account> accounts = byName(fixture.monitor().snapshot(fixture.first()));

        assertThat(accounts.get("gone@acme.example").mfa()).isEqualTo(MfaStatus.NOT_APPLICABLE);
        assertThat(accounts.get("gone@acme.example").facts()).containsEntry("status", "DEPROVISIONED");
        assertThat(accounts.get("paused@acme.example").mfa()).isEqualTo(MfaStatus.NOT_APPLICABLE);
        assertThat(accounts.get("active@acme.example").mfa()).isEqualTo(MfaStatus.DISABLED);
        assertThat(okta.factorReads()).containsExactly(FakeOkta.idOf(3));
    }

    @Test
    void onlyActiveFactorsCountAndEveryActiveFactorBeingSmsCallEmailOrQuestionIsWeak() throws Exception {
        okta.user(FakeOkta.idOf(1), "sms@acme.example").factor("sms", "ACTIVE");
        okta.user(FakeOkta.idOf(2), "phone-and-mail@acme.example").factor("call", "ACTIVE").factor("email", "ACTIVE")
                .factor("question", "ACTIVE");
        okta.user(FakeOkta.idOf(3), "sms-and-key@acme.example").factor("sms", "ACTIVE").factor("webauthn", "ACTIVE");
        okta.user(FakeOkta.idOf(4), "pending@acme.example").factor("token:software:totp", "PENDING_ACTIVATION");
        okta.user(FakeOkta.idOf(5), "pending-sms@acme.example").factor("sms", "ACTIVE").factor("push", "PENDING_ACTIVATION");

        Map<String, Account> accounts = byName(fixture.monitor().snapshot(fixture.first()));

        assertThat(accounts.get("sms@acme.example").mfa()).isEqualTo(MfaStatus.ENABLED);
        assertThat(accounts.get("sms@acme.example").facts()).containsEntry("weakMfa", "true").containsEntry("factors", "sms");
        assertThat(accounts.get("phone-and-mail@acme.example").facts()).containsEntry("weakMfa", "true")
                .containsEntry("factors", "call,email,question");
        assertThat(accounts.get("sms-and-key@acme.example").facts()).doesNotContainKey("weakMfa")
                .containsEntry("factors", "sms,webauthn");
        assertThat(accounts.get("pending@acme.example").mfa()).as("PENDING_ACTIVATION does not count")
                .isEqualTo(MfaStatus.DISABLED);
        assertThat(accounts.get("pending@acme.example").facts()).doesNotContainKeys("factors", "weakMfa");
        assertThat(accounts.get("pending-sms@acme.example").facts()).containsEntry("weakMfa", "true");
    }

    @Test
    void usersWithAnAdminRoleAreMarkedAdminAcrossPagesOfRoleAssignments() throws Exception {
        okta.users(250);
        for (int i = 1; i <= 130; i++) {
            okta.get(FakeOkta.idOf(i)).admin(true);
        }

        Snapshot snapshot = fixture.monitor().snapshot(fixture.first());

        assertThat(snapshot.accounts()).filteredOn(a -> "admin".equals(a.facts().get("role"))).hasSize(130);
        assertThat(byName(snapshot).get("user131@acme.example").facts()).doesNotContainKey("role");
        assertThat(okta.requests()).filteredOn(r -> r.kind() == Kind.ROLES).extracting(r -> r.param("after"))
                .as("the second page through _links.next in the body").containsExactly("", FakeOkta.idOf(100));
    }

    @Test
    void aTokenWhoseAdminMayNotListRolesStillReadsEveryUserAndSaysSoOnce() throws Exception {
        okta.users(3);
        okta.get(FakeOkta.idOf(1)).admin(true);
        okta.apiTokenMayReadRoles(false);
        OktaMonitor monitor = fixture.monitor();

        try (LogCapture logs = LogCapture.start()) {
            Snapshot first = monitor.snapshot(fixture.first());
            Snapshot second = monitor.snapshot(fixture.first());

            assertThat(first.accounts()).hasSize(3).allSatisfy(a -> assertThat(a.facts()).doesNotContainKey("role"));
            assertThat(first.facts()).containsEntry("adminRoles", "not readable");
            assertThat(first.notices()).singleElement().satisfies(n -> {
                assertThat(n.type()).isEqualTo(OktaMonitorProvider.ADMIN_ROLES_UNREADABLE);
                assertThat(n.subject()).isEqualTo("admin-roles");
                assertThat(n.detail()).contains("403 E0000006").contains("Read-Only Administrator");
            });
            assertThat(second.notices()).isEqualTo(first.notices());
            assertThat(logs.lines()).filteredOn(l -> l.contains("admin role assignments")).hasSize(1);
        }
    }

    @Test
    void anInvalidTokenNamesWhatToFixAndNotTheToken() {
        okta.users(2);
        okta.apiToken("another-token-altogether-123456");

        assertThatThrownBy(() -> fixture.monitor().snapshot(fixture.first()))
                .isInstanceOf(OktaException.class)
                .hasMessageContaining("Okta answered 401 E0000011 'Invalid token provided' for the user list")
                .hasMessageContaining("create a new one in Security > API > Tokens")
                .hasMessageNotContaining(OktaFixture.TOKEN);
    }

    @Test
    void aForbiddenFactorListNamesTheRoleTheTokensAdminNeeds() {
        okta.users(2);
        okta.script(r -> r.kind() == Kind.FACTORS, -1, Reply.error(403, "E0000006",
                "You do not have permission to perform the requested action"));

        assertThatThrownBy(() -> fixture.monitor().snapshot(fixture.first()))
                .isInstanceOf(OktaException.class)
                .satisfies(e -> assertThat(((OktaException) e).reason()).isEqualTo(OktaException.Reason.PERMISSION))
                .hasMessageContaining("403 E0000006")
                .hasMessageContaining("a user's factors")
                .hasMessageContaining("Read-Only Administrator");
    }

    @Test
    void aUserPageThatKeepsFailingFailsTheSnapshotRatherThanReturnAShortList() {
        okta.users(450);
        okta.script(r -> r.kind() == Kind.USERS && r.param("after").equals(FakeOkta.idOf(400)), -1, Reply.unavailable());

        assertThatThrownBy(() -> fixture.monitor().snapshot(fixture.first()))
                .isInstanceOf(OktaException.class)
                .hasMessageContaining("the user list (/api/v1/users) of org 127.0.0.1")
                .hasMessageContaining("503 8 times in a row");
        assertThat(okta.count(Kind.FACTORS)).isZero();
    }

    @Test
    void aNextLinkToAnotherOriginIsNotFollowedWithTheToken() {
        okta.users(300);
        okta.script(r -> r.kind() == Kind.USERS && r.param("after").isEmpty() && r.param("search").isEmpty(), -1,
                r -> new Reply(200, Map.of("Link", "<" + okta.url() + "/api/v1/users?limit=200>; rel=\"self\"\n"
                        + "<https://evil.example/api/v1/users?after=x>; rel=\"next\""), "[]"));

        assertThatThrownBy(() -> fixture.monitor().snapshot(fixture.first()))
                .isInstanceOf(OktaException.class)
                .hasMessageContaining("another origin (https://evil.example)");
    }

    @Test
    void aUserDeletedBetweenTheListingAndItsFactorsIsLeftOut() throws Exception {
        okta.users(3);
        okta.script(r -> r.kind() == Kind.FACTORS && r.userId().equals(FakeOkta.idOf(2)), -1,
                Reply.error(404, "E0000007", "Not found: Resource not found: " + FakeOkta.idOf(2) + " (User)"));

        Snapshot snapshot = fixture.monitor().snapshot(fixture.first());

        assertThat(snapshot.accounts()).extracting(Account::id).containsExactly(FakeOkta.idOf(1), FakeOkta.idOf(3));
    }
}
