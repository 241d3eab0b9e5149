package dev.mfamonitor.monitor.github;

import dev.mfamonitor.spi.Deadline;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ConfigException;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.github.FakeGitHub;
import dev.mfamonitor.testkit.github.FakeGitHub.Reply;
import dev.mfamonitor.testkit.github.FakeGitHub.Request;
import dev.mfamonitor.testkit.github.FakeGitHub.TwoFactor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static dev.mfamonitor.monitor.github.GitHubFixture.ORG;
import static dev.mfamonitor.monitor.github.GitHubFixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 12, items 1 and 3 to 10: each test fails without its fix. */
class GitHubHardeningTest {
    private FakeGitHub fake;
    private GitHubFixture fx;

    @BeforeEach
    void start() throws Exception {
        fake = FakeGitHub.start(ORG).token(TOKEN, true);
        fx = new GitHubFixture(fake);
        for (int id = 1; id <= 30; id++) {
            fake.member(id, "user" + id, id % 10 == 0 ? TwoFactor.DISABLED : TwoFactor.ENABLED, id == 1);
        }
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private static Map<String, Account> byId(Snapshot snapshot) {
        return snapshot.accounts().stream().collect(Collectors.toMap(Account::id, a -> a));
    }

    private static Predicate<Request> list(String path, String filter) {
        return r -> r.path().equals("/orgs/" + ORG + path) && r.param("filter").equals(filter);
    }

    // 1. Roles are read as GitHub writes them.

    @Test
    void aBillingManagerOrAnyRoleGitHubAddsIsReadAsWrittenAndNeverBreaksARun() throws Exception {
        fake.role(5, "billing_manager");
        try (Monitor monitor = fx.monitor()) {
            Snapshot before = monitor.snapshot(fx.first());
            // Steady state: a member newly without 2FA gets a membership check, which reads the role.
            fake.twoFactor(5, TwoFactor.DISABLED);
            fake.member(99, "newcomer", TwoFactor.DISABLED, false).role(99, "security_manager");
            Snapshot now = monitor.snapshot(fx.after(before));

            assertThat(byId(now).get("5")).isEqualTo(new Account("5", "user5", "member", MfaStatus.DISABLED, "",
                    Map.of("role", "billing_manager")));
            assertThat(byId(now).get("99").facts()).isEqualTo(Map.of("role", "security_manager"));
        }
    }

    // 3. A secondary limit without retry-after waits at least a minute, 403 and 429 alike, within the deadline.

    @Test
    void aSecondaryLimitWithoutRetryAfterWaitsAMinuteFor403And429() throws Exception {
        fake.script(list("/members", "2fa_disabled"), 1, Reply.secondaryRateLimit(403, Optional.empty()));
        fake.script(list("/outside_collaborators", "all"), 1, Reply.secondaryRateLimit(429, Optional.empty()));
        try (Monitor monitor = fx.monitor()) {
            Snapshot snapshot = monitor.snapshot(fx.first(Duration.ofMinutes(10)));

            assertThat(snapshot.accounts()).hasSize(30);
            assertThat(fx.context.sleeps()).containsExactly(Duration.ofSeconds(60), Duration.ofSeconds(60));
            assertThat(fake.requests().stream().filter(list("/members", "2fa_disabled"))).hasSize(2);
        }
    }

    @Test
    void aSecondaryLimitWithoutRetryAfterPastTheDeadlineFailsWithoutWaiting() throws Exception {
        fake.script(list("/members", "2fa_disabled"), -1, Reply.secondaryRateLimit(403, Optional.empty()));
        try (Monitor monitor = fx.monitor()) {
            assertThatThrownBy(() -> monitor.snapshot(fx.first(Duration.ofSeconds(30))))
                    .hasMessageStartingWith("GitHub's secondary rate limit (no retry-after: waiting the minute GitHub asks "
                            + "for) for org acme (HTTP 403 on GET /orgs/acme/members) lasts until ")
                    .hasMessageContaining("past this scan's deadline (30 s left): the snapshot is not taken");
            assertThat(fx.context.sleeps()).isEmpty();
        }
    }

    // 4. One failure of filter=2fa_insecure never flaps the weak flags.

    @Test
    void aTransientFailureOfTheInsecureListFailsTheSnapshotAndTheFlagsStay() throws Exception {
        fake.member(40, "sms-user", TwoFactor.INSECURE, false);
        try (Monitor monitor = fx.monitor()) {
            Snapshot before = monitor.snapshot(fx.first());
            assertThat(byId(before).get("40").facts()).containsEntry("weakMfa", "true");

            fake.script(list("/members", "2fa_insecure"), 1, Reply.error(502, "Server Error"));
            assertThatThrownBy(() -> monitor.snapshot(fx.after(before)))
                    .hasMessage("GitHub answered 502 'Server Error' for org acme while reading members with insecure 2FA: "
                            + "the snapshot is not taken (never a partial list); the next run tries again");
            Snapshot next = monitor.snapshot(fx.after(before));
            assertThat(byId(next).get("40").facts()).containsEntry("weakMfa", "true");
        }
    }

    @Test
    void anInsecureFilterRefusedOnceKeepsEveryFlagItHadInsteadOfDroppingThem() throws Exception {
        fake.member(40, "sms-user", TwoFactor.INSECURE, false);
        try (Monitor monitor = fx.monitor()) {
            Snapshot before = monitor.snapshot(fx.first());
            // A GHES node behind a load balancer that does not know the filter answers one run.
            fake.script(list("/members", "2fa_insecure"), 1, new Reply(422, Map.of(),
                    "{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"Member\",\"field\":\"filter\",\"code\":\"invalid\"}]}"));
            Snapshot blind = monitor.snapshot(fx.after(before));
            Snapshot fullBlind = monitor.snapshot(new dev.mfamonitor.spi.ScanRequest(Optional.of(before), true,
                    Deadline.after(Duration.ofMinutes(1), fx.context.nanoTime())));
            Snapshot seeing = monitor.snapshot(fx.after(blind));

            assertThat(byId(blind).get("40").facts()).containsEntry("weakMfa", "true");
            assertThat(blind.facts()).containsEntry("weakMfa", "not supported by this server (filter=2fa_insecure unknown)");
            assertThat(byId(fullBlind).get("40").facts()).containsEntry("weakMfa", "true");
            assertThat(byId(seeing).get("40").facts()).containsEntry("weakMfa", "true");
            assertThat(seeing.facts()).doesNotContainKey("weakMfa");
        }
    }

    // 5. A server that ignores the filter: weak MFA unknown, not everyone weak.

    @Test
    void aServerThatIgnoresTheInsecureFilterMakesWeakMfaUnknownNotEveryoneWeak() throws Exception {
        fake.insecureFilterIgnored(true);
        try (Monitor monitor = fx.monitor()) {
            Snapshot snapshot = monitor.snapshot(fx.first());

            assertThat(snapshot.accounts()).hasSize(30)
                    .allSatisfy(a -> assertThat(a.facts()).as(a.name()).doesNotContainKey("weakMfa"));
            assertThat(snapshot.facts()).containsEntry("weakMfa",
                    "unknown: the server ignores filter=2fa_insecure (it listed accounts without 2FA)");
            assertThat(byId(snapshot).get("10").mfa()).isEqualTo(MfaStatus.DISABLED);
        }
    }

    // 6. Outside collaborators with insecure 2FA are flagged.

    @Test
    void outsideCollaboratorsWithInsecureTwoFactorAreFlaggedInFullAndSteadyScans() throws Exception {
        fake.outsideCollaborator(9001, "sms-contractor", TwoFactor.INSECURE)
                .outsideCollaborator(9002, "contractor", TwoFactor.ENABLED);
        try (Monitor monitor = fx.monitor()) {
            Snapshot before = monitor.snapshot(fx.first());
            assertThat(byId(before).get("9001")).isEqualTo(new Account("9001", "sms-contractor", "outside-collaborator",
                    MfaStatus.ENABLED, "", Map.of("weakMfa", "true")));
            assertThat(byId(before).get("9002").facts()).isEmpty();

            fake.twoFactor(9002, TwoFactor.INSECURE).twoFactor(9001, TwoFactor.ENABLED)
                    .outsideCollaborator(9003, "new-sms", TwoFactor.INSECURE);
            Snapshot now = monitor.snapshot(fx.after(before));
            assertThat(byId(now).get("9002").facts()).isEqualTo(Map.of("weakMfa", "true"));
            assertThat(byId(now).get("9001").facts()).isEmpty();
            assertThat(byId(now).get("9003")).isEqualTo(new Account("9003", "new-sms", "outside-collaborator",
                    MfaStatus.ENABLED, "", Map.of("weakMfa", "true")));
            assertThat(fake.requests()).filteredOn(list("/outside_collaborators", "2fa_insecure")).hasSize(2);
        }
    }

    // 7. No redirect is followed; the token goes to the endpoint's origin only.

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 307, 308})
    void aRedirectOfTheOrganizationFailsTheScanAndIsNotFollowed(int status) throws Exception {
        try (FakeGitHub elsewhere = FakeGitHub.start(ORG).token(TOKEN, true); Monitor monitor = fx.monitor()) {
            elsewhere.member(1, "impostor", TwoFactor.ENABLED, true);
            fake.script(r -> r.path().equals("/orgs/acme"), -1,
                    new Reply(status, Map.of("Location", elsewhere.endpoint() + "/orgs/acme"), ""));

            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessage("GitHub answered " + status + " (a redirect, to " + elsewhere.endpoint() + "/orgs/acme) to "
                            + "GET /orgs/acme for org acme: redirects are not followed, so the token stays with endpoint "
                            + fake.endpoint() + " and a redirected answer is never used. Set endpoint: to the API root itself "
                            + "(https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server)");
            assertThat(elsewhere.requestCount()).isZero();
        }
    }

    @Test
    void aNextPageLinkToAnotherPortHostOrSchemeFailsTheScanAndTheTokenIsNotSentThere() throws Exception {
        try (FakeGitHub elsewhere = FakeGitHub.start(ORG).token(TOKEN, true)) {
            int port = Integer.parseInt(fake.endpoint().substring(fake.endpoint().lastIndexOf(':') + 1));
            List<String> away = List.of(elsewhere.endpoint() + "/orgs/acme/members?page=2",
                    "http://localhost:" + port + "/orgs/acme/members?page=2",
                    "https://127.0.0.1:" + port + "/orgs/acme/members?page=2");
            for (String next : away) {
                fake.resetRequests();
                GitHubFixture fresh = new GitHubFixture(fake);
                fake.script(r -> list("/members", "all").test(r) && r.page() == 1, 1,
                        new Reply(200, Map.of("Link", "<" + next + ">; rel=\"next\""), "[{\"login\":\"user1\",\"id\":1}]"));
                try (Monitor monitor = fresh.monitor()) {
                    assertThatThrownBy(() -> monitor.snapshot(fresh.first()))
                            .as(next)
                            .hasMessageStartingWith("GitHub's next-page link of all members of org acme leads away from "
                                    + "endpoint " + fake.endpoint() + ": ")
                            .hasMessageEndingWith("; the snapshot is not taken");
                }
                assertThat(fake.requests()).filteredOn(r -> r.page() == 2).isEmpty();
            }
            assertThat(elsewhere.requestCount()).isZero();
        }
    }

    // 8. Messages that say what to do.

    @Test
    void aSamlSsoRefusalSaysToAuthoriseTheTokenAtTheUrlGitHubGives() throws Exception {
        String url = "https://github.com/orgs/acme/sso?authorization_request=A1B2C3";
        fake.script(r -> r.path().equals("/orgs/acme"), -1, new Reply(403, Map.of("X-GitHub-SSO", "required; url=" + url),
                "{\"message\":\"Resource protected by organization SAML enforcement. You must grant your Personal Access "
                        + "token access to this organization.\"}"));
        try (Monitor monitor = fx.monitor()) {
            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessage("GitHub answered 403 'Resource protected by organization SAML enforcement. You must grant "
                            + "your Personal Access token access to this organization.' for org acme while reading the "
                            + "organization: the organisation uses SAML single sign-on and the token is not authorised for "
                            + "it. Authorise the token for SSO at " + url + " (signed in as the token's user; or in GitHub's "
                            + "token settings: Configure SSO, Authorize), then the next run reads the org");
        }
    }

    @Test
    void aMissingPermissionIsNamedFromAcceptedPermissions() throws Exception {
        fake.script(list("/members", "2fa_disabled"), -1, new Reply(403,
                Map.of("X-Accepted-GitHub-Permissions", "members=read"),
                "{\"message\":\"Resource not accessible by personal access token\"}"));
        try (Monitor monitor = fx.monitor()) {
            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessage("GitHub answered 403 'Resource not accessible by personal access token' for org acme while "
                            + "reading members without 2FA: the token lacks a permission this request needs (GitHub accepts: "
                            + "members=read); grant it to the fine-grained token (resource owner acme), then the next run "
                            + "reads the org");
        }
    }

    @Test
    void aLimitThatKeepsComingBackEndsWithTheRateLimitExplanation() throws Exception {
        fake.script(list("/members", "2fa_disabled"), -1, Reply.secondaryRateLimit(403, Optional.of(1)));
        try (Monitor monitor = fx.monitor()) {
            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessage("GitHub's secondary rate limit for org acme (HTTP 403 on GET /orgs/acme/members) did not "
                            + "lift after 5 waits: the snapshot is not taken. Poll less often, or use a token whose budget "
                            + "is not shared with other tools");
            assertThat(fx.context.sleeps()).hasSize(5).containsOnly(Duration.ofSeconds(1));
        }
    }

    // 9. Redaction comes before the cut.

    @Test
    void aTokenNearTheCutIsRedactedBeforeTheMessageIsCut() throws Exception {
        // A server quoting the header after 180 characters: cut at 200 first, only the token's start would remain (and
        // no redactor recognises a start). The monitor's own redaction is tested: the context knows no secret.
        GitHubFixture blind = new GitHubFixture(fake, new String[0]);
        fake.script(list("/members", "2fa_disabled"), -1,
                Reply.error(500, "x".repeat(180) + " " + Reply.AUTHORIZATION));
        try (Monitor monitor = blind.monitor()) {
            assertThatThrownBy(() -> monitor.snapshot(blind.first()))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN.substring(0, 8)).contains("token ****"));
        }
    }

    @Test
    void theTokenIsRedactedEvenWhenTheEngineDoesNotKnowIt() throws Exception {
        // A context whose redactor knows nothing: the monitor's own redaction still removes its token.
        GitHubFixture blind = new GitHubFixture(fake, new String[0]);
        fake.script(list("/members", "2fa_disabled"), -1, Reply.echoingAuthorization(500));
        try (Monitor monitor = blind.monitor()) {
            assertThatThrownBy(() -> monitor.snapshot(blind.first()))
                    .hasMessage("GitHub answered 500 'bad header: Authorization: token ****' for org acme while reading "
                            + "members without 2FA: the snapshot is not taken (never a partial list); the next run tries again");
        }
    }

    // 10. The endpoint is https, or http to loopback.

    @Test
    void anEndpointInPlainHttpToAnotherHostIsRefused() {
        assertThatThrownBy(() -> fx.monitor(Map.of("endpoint", "http://10.0.0.5/api/v3")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("property 'endpoint': plain http to 10.0.0.5 would send credentials in clear; use https");
        fx.monitor(Map.of("endpoint", "https://ghe.example.com/api/v3")).close();
        fx.monitor(Map.of("endpoint", "http://127.0.0.1:8080/api/v3")).close();
    }
}
