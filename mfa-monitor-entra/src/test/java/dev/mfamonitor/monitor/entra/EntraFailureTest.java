package dev.mfamonitor.monitor.entra;

import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.ScanRequest;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.entra.FakeEntra;
import dev.mfamonitor.testkit.entra.FakeEntra.Kind;
import dev.mfamonitor.testkit.entra.FakeEntra.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every refusal and failure named in the issue, with the message a person acts on. */
class EntraFailureTest {
    private final EntraFixture fixture = new EntraFixture();
    private final FakeEntra entra = fixture.entra;

    @AfterEach
    void close() {
        fixture.close();
    }

    private EntraException failure(EntraMonitor monitor) {
        try {
            monitor.snapshot(fixture.first());
        } catch (EntraException e) {
            assertThat(e.getMessage()).doesNotContain(EntraFixture.SECRET);
            entra.issuedTokens().forEach(token -> assertThat(e.getMessage()).doesNotContain(token));
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected an EntraException", e);
        }
        throw new AssertionError("the scan did not fail");
    }

    @Test
    void aTenantWithoutPremiumLicenceFailsSayingTheReportNeedsP1OrP2() {
        entra.users(2);
        entra.premium(false);

        EntraException e = failure(fixture.monitor());

        assertThat(e.reason()).isEqualTo(EntraException.Reason.NO_PREMIUM_LICENCE);
        assertThat(e.getMessage()).contains("403 Authentication_RequestFromNonPremiumTenantOrB2CTenant")
                .contains("needs Entra ID P1 or P2").contains(EntraFixture.TENANT);
    }

    @Test
    void aMissingReportPermissionNamesAuditLogReadAll() {
        entra.users(2);
        entra.revoke(FakeEntra.AUDIT_LOG_READ_ALL);

        EntraException e = failure(fixture.monitor());

        assertThat(e.reason()).isEqualTo(EntraException.Reason.PERMISSION_MISSING);
        assertThat(e.getMessage()).contains("Authentication_MSGraphPermissionMissing").contains("registration report")
                .contains("application permission AuditLog.Read.All").contains("admin").contains(EntraFixture.CLIENT);
    }

    @Test
    void aMissingUsersPermissionNamesUserReadAllThoughGraphDoesNot() {
        entra.users(2);
        entra.revoke(FakeEntra.USER_READ_ALL);

        EntraException e = failure(fixture.monitor());

        assertThat(e.getMessage()).contains("403 Authorization_RequestDenied").contains("/users")
                .contains("application permission User.Read.All").doesNotContain("AuditLog");
    }

    @Test
    void aWrongClientSecretSaysToUseTheSecretsValueAndNeverShowsIt() {
        entra.users(2);
        entra.clientSecret("the-real-secret-value");

        EntraException e = failure(fixture.monitor());

        assertThat(e.reason()).isEqualTo(EntraException.Reason.AUTHENTICATION);
        assertThat(e.code()).contains("AADSTS7000215");
        assertThat(e.getMessage()).contains("answered 401 AADSTS7000215").contains("client secret is wrong")
                .contains("Value (not its Secret ID)").doesNotContain("the-real-secret-value");
        assertThat(entra.graphRequests()).isZero();
    }

    @Test
    void anExpiredClientSecretSaysToCreateANewOne() {
        entra.users(2);
        entra.secretExpired();

        EntraException e = failure(fixture.monitor());

        assertThat(e.getMessage()).contains("AADSTS7000222").contains("client secret has expired")
                .contains("create a new client secret for app " + EntraFixture.CLIENT);
    }

    @Test
    void aWrongTenantOrClientIdIsNamed() {
        entra.users(2);
        EntraException wrongClient = failure(fixture.monitor(Map.of("clientId", "99999999-9999-4999-8999-999999999999")));
        assertThat(wrongClient.getMessage()).contains("AADSTS700016").contains("no application 99999999-9999-4999-8999-999999999999");

        EntraException wrongTenant = failure(fixture.monitor(Map.of("tenantId", "fabrikam.onmicrosoft.com")));
        assertThat(wrongTenant.getMessage()).contains("AADSTS90002").contains("tenant 'fabrikam.onmicrosoft.com' does not exist");
    }

    @Test
    void a429WaitsRetryAfterThroughTheSleeperAndThenReadsThePage() throws Exception {
        entra.users(250);
        entra.script(r -> r.kind() == Kind.REPORT && !r.param("$skiptoken").isEmpty(), 2, Reply.throttled(7));

        Snapshot snapshot = fixture.monitor().snapshot(fixture.first());

        assertThat(snapshot.accounts()).hasSize(250);
        assertThat(fixture.context.sleeps()).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7));
        assertThat(entra.count(Kind.REPORT)).isEqualTo(3 + 2);
    }

    @Test
    void graphsThrottlingLimitsArePacedByRetryAfterAndEveryPageIsRead() throws Exception {
        entra.users(1000);
        entra.reportPageSize(100);
        entra.throttle(5, Duration.ofSeconds(10), true, Kind.REPORT, Kind.REPORT_ROW);
        entra.throttle(1, Duration.ofSeconds(1), false, Kind.CONDITIONAL_ACCESS);

        Snapshot snapshot = fixture.monitor().snapshot(fixture.first());

        assertThat(snapshot.accounts()).hasSize(1000);
        // Pages 1-5 in the first 10 s window; page 6 is refused with Retry-After: 10 and read after the wait.
        assertThat(entra.throttledCount()).isEqualTo(1);
        assertThat(fixture.context.sleeps()).containsExactly(Duration.ofSeconds(10));
        assertThat(entra.count(Kind.REPORT)).isEqualTo(11);
    }

    @Test
    void conditionalAccessThrottlingWithoutRetryAfterBacksOffExponentially() throws Exception {
        entra.users(2);
        entra.script(r -> r.kind() == Kind.CONDITIONAL_ACCESS, 3, Reply.throttledWithoutRetryAfter());

        Snapshot snapshot = fixture.monitor().snapshot(fixture.first());

        assertThat(snapshot.requirements()).containsKey(EntraMonitor.CONDITIONAL_ACCESS);
        List<Duration> sleeps = fixture.context.sleeps();
        assertThat(sleeps).hasSize(3);
        // Full jitter between half and all of 1 s, 2 s, 4 s.
        assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(sleeps.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(sleeps.get(2)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @Test
    void a503MidPagingIsRetriedAndAPageThatKeepsFailingFailsTheScan() throws Exception {
        entra.users(250);
        entra.script(r -> r.kind() == Kind.REPORT && !r.param("$skiptoken").isEmpty(), 1, Reply.unavailable());
        assertThat(fixture.monitor().snapshot(fixture.first()).accounts()).hasSize(250);

        entra.script(r -> r.kind() == Kind.USERS && r.param("$skiptoken").isEmpty(), -1, Reply.unavailable());
        EntraException e = failure(fixture.monitor());
        assertThat(e.reason()).isEqualTo(EntraException.Reason.UNAVAILABLE);
        assertThat(e.getMessage()).contains("the user list (/users)").contains("503").contains("9 times in a row");
    }

    @Test
    void aRetryAfterBeyondTheDeadlineFailsAtOnceWithoutSleeping() {
        entra.users(2);
        entra.script(r -> r.kind() == Kind.REPORT, 1, Reply.throttled(30));
        EntraMonitor monitor = fixture.monitor();

        assertThatThrownBy(() -> monitor.snapshot(new ScanRequest(Optional.empty(), true,
                Deadline.after(Duration.ofSeconds(20), fixture.context.nanoTime()))))
                .isInstanceOf(EntraException.class)
                .hasMessageContaining("429 (throttled)").hasMessageContaining("would pass the scan's deadline");
        assertThat(fixture.context.sleeps()).isEmpty();
    }

    @Test
    void aNextLinkToAnotherOriginFailsBeforeTheTokenIsSentThere() {
        entra.users(250);
        try (FakeEntra elsewhere = FakeEntra.start(EntraFixture.TENANT, EntraFixture.CLIENT)) {
            entra.nextLinksTo(elsewhere.url());

            EntraException e = failure(fixture.monitor());

            assertThat(e.getMessage()).contains("another origin").contains(elsewhere.url().getAuthority());
            assertThat(elsewhere.requests()).isEmpty();
        }
    }

    @Test
    void aRedirectIsNotFollowed() {
        entra.users(2);
        try (FakeEntra elsewhere = FakeEntra.start(EntraFixture.TENANT, EntraFixture.CLIENT)) {
            entra.script(r -> r.kind() == Kind.REPORT, -1,
                    new Reply(302, Map.of("Location", elsewhere.url() + "/v1.0/users"), ""));

            EntraException e = failure(fixture.monitor());

            assertThat(e.getMessage()).contains("302").contains("redirects are not followed");
            assertThat(elsewhere.requests()).isEmpty();
        }
    }

    @Test
    void theTokenIsReusedUntilItExpiresAndRenewedAfter() throws Exception {
        entra.users(2);
        EntraMonitor monitor = fixture.monitor();
        Snapshot first = monitor.snapshot(fixture.first());
        monitor.snapshot(fixture.after(first));
        assertThat(entra.count(Kind.TOKEN)).isEqualTo(1);

        fixture.context.advance(Duration.ofMinutes(56));
        monitor.snapshot(fixture.after(first));
        assertThat(entra.count(Kind.TOKEN)).isEqualTo(2);
        assertThat(entra.requests().stream().filter(r -> r.kind() != Kind.TOKEN).map(r -> r.bearer().orElseThrow())
                .distinct()).containsExactlyElementsOf(entra.issuedTokens());
    }

    @Test
    void anAccessTokenRefusedMidScanIsRenewedOnce() throws Exception {
        entra.users(250);
        entra.script(r -> r.kind() == Kind.USERS, 1,
                Reply.graphError(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid."));

        assertThat(fixture.monitor().snapshot(fixture.first()).accounts()).hasSize(250);
        assertThat(entra.count(Kind.TOKEN)).isEqualTo(2);
    }
}
