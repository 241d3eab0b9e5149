package dev.mfamonitor.monitor.github;

import dev.mfamonitor.testkit.States;
import dev.mfamonitor.core.DiffEngine;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Monitor;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.spi.Snapshot;
import dev.mfamonitor.testkit.github.FakeGitHub;
import dev.mfamonitor.testkit.github.FakeGitHub.Reply;
import dev.mfamonitor.testkit.github.FakeGitHub.Request;
import dev.mfamonitor.testkit.github.FakeGitHub.TwoFactor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static dev.mfamonitor.monitor.github.GitHubFixture.ORG;
import static dev.mfamonitor.monitor.github.GitHubFixture.TOKEN;
import static dev.mfamonitor.monitor.github.GitHubFixture.pages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitHubMonitorTest {
    private FakeGitHub fake;
    private GitHubFixture fx;

    @BeforeEach
    void start() throws Exception {
        fake = FakeGitHub.start(ORG).token(TOKEN, true);
        fx = new GitHubFixture(fake);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    /** Members 1..n; every 100th without 2FA; ids 1..3 owners. */
    private void members(int n) {
        for (int id = 1; id <= n; id++) {
            fake.member(id, "user" + id, id % 100 == 0 ? TwoFactor.DISABLED : TwoFactor.ENABLED, id <= 3);
        }
    }

    private static Map<String, Account> byId(Snapshot snapshot) {
        return snapshot.accounts().stream().collect(Collectors.toMap(Account::id, a -> a));
    }

    private static List<ChangeEvent> diff(Snapshot before, Snapshot after) {
        MonitorState state = States.after(before);
        return new DiffEngine(Policy.defaults()).diff("github-acme", state, after, after.observedAt(), false).events();
    }

    private long requestsTo(Predicate<Request> which) {
        return fake.requests().stream().filter(which).count();
    }

    private static Predicate<Request> list(String path, String filter) {
        return r -> r.path().equals("/orgs/" + ORG + path) && r.param("filter").equals(filter);
    }

    @Test
    void fullScanFollowsEveryPage() throws Exception {
        members(2500);
        fake.outsideCollaborator(90001, "contractor", TwoFactor.DISABLED);
        try (Monitor monitor = fx.monitor()) {
            Snapshot snapshot = monitor.snapshot(fx.first());

            assertThat(snapshot.accounts()).hasSize(2501);
            Map<String, Account> accounts = byId(snapshot);
            assertThat(accounts.get("2500")).isEqualTo(new Account("2500", "user2500", "member", MfaStatus.DISABLED, "",
                    Map.of("role", "member")));
            assertThat(accounts.get("2")).isEqualTo(new Account("2", "user2", "member", MfaStatus.ENABLED, "",
                    Map.of("role", "admin")));
            assertThat(accounts.get("90001")).isEqualTo(new Account("90001", "contractor", "outside-collaborator",
                    MfaStatus.DISABLED, "", Map.of()));
            assertThat(snapshot.accounts().stream().filter(a -> a.mfa() == MfaStatus.DISABLED)).hasSize(26);
            assertThat(snapshot.requirements()).isEqualTo(Map.of("organization requires 2FA", MfaStatus.ENABLED));
            assertThat(snapshot.complete()).isTrue();
            // Every page of the full list, each once, 100 a page, following the Link headers.
            List<Integer> allPages = fake.requests().stream().filter(list("/members", "all")).map(Request::page).toList();
            assertThat(allPages).isEqualTo(java.util.stream.IntStream.rangeClosed(1, 25).boxed().toList());
            assertThat(fake.requests().stream().filter(list("/members", "all")).map(r -> r.param("per_page")))
                    .containsOnly("100");
            // org + disabled + insecure + outside disabled + outside insecure + 25 pages + owners + all outside.
            assertThat(fake.requestCount()).isEqualTo(1 + 1 + 1 + 1 + 1 + 25 + 1 + 1);
            assertThat(requestsTo(r -> r.path().equals("/user") || r.path().startsWith("/users/"))).isZero();
        }
    }

    @Test
    void aLongScanReportsEveryPageItRead() throws Exception {
        members(450);
        java.util.List<String> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Monitor monitor = fx.monitor()) {
            monitor.snapshot(new dev.mfamonitor.spi.ScanRequest(Optional.empty(), true, fx.first().deadline(),
                    (read, unit) -> reported.add(read + " " + unit)));
        }
        // Every request but GET /orgs/acme is a page of a list: 4 short lists, 5 pages of members, owners, outside.
        assertThat(fake.requestCount()).isEqualTo(1 + 4 + 5 + 1 + 1);
        assertThat(reported).hasSize(11).endsWith("11 pages").startsWith("1 pages");
    }

    @Test
    void steadyStateCostsTheShortListsPlusOneCheckPerLeaver() throws Exception {
        // D = 250 disabled members, W = 150 insecure, C = 120 disabled outside collaborators.
        for (int id = 1; id <= 1000; id++) {
            TwoFactor tf = id <= 250 ? TwoFactor.DISABLED : id <= 400 ? TwoFactor.INSECURE : TwoFactor.ENABLED;
            fake.member(id, "user" + id, tf, id == 1 || id == 300);
        }
        for (int id = 5001; id <= 5120; id++) {
            fake.outsideCollaborator(id, "ext" + id, TwoFactor.DISABLED);
        }
        try (Monitor monitor = fx.monitor()) {
            Snapshot baseline = monitor.snapshot(fx.first());
            fake.resetRequests();

            Snapshot quiet = monitor.snapshot(fx.after(baseline));
            assertThat(fake.requestCount()).isEqualTo(pages(250) + pages(120) + pages(150) + pages(0) + 1);
            assertThat(requestsTo(list("/members", "all"))).isZero();
            assertThat(quiet.accounts()).containsExactlyInAnyOrderElementsOf(baseline.accounts());
            assertThat(diff(baseline, quiet)).isEmpty();

            // k = 3: two members turn 2FA on, one leaves the org.
            fake.twoFactor(10, TwoFactor.ENABLED).twoFactor(11, TwoFactor.ENABLED).remove(12);
            fake.resetRequests();
            Snapshot changed = monitor.snapshot(fx.after(quiet));
            assertThat(fake.requestCount()).isEqualTo(pages(248 - 1) + pages(120) + pages(150) + pages(0) + 1 + 3);
            assertThat(fake.requests().stream().filter(r -> r.path().contains("/memberships/")).map(Request::path))
                    .containsExactly("/orgs/acme/memberships/user10", "/orgs/acme/memberships/user11", "/orgs/acme/memberships/user12");
            Map<String, Account> accounts = byId(changed);
            assertThat(accounts.get("10").mfa()).isEqualTo(MfaStatus.ENABLED);
            assertThat(accounts.get("11").mfa()).isEqualTo(MfaStatus.ENABLED);
            assertThat(accounts).doesNotContainKey("12");
            assertThat(accounts).hasSize(1119);
            assertThat(diff(quiet, changed)).extracting(e -> e.type() + ":" + e.account().map(Account::name).orElse(""))
                    .containsExactly("MFA_ENABLED:user10", "MFA_ENABLED:user11", "ACCOUNT_REMOVED:user12");
        }
    }

    @Test
    void anOwnerWhoDisablesTwoFactorIsACriticalMfaDisabled() throws Exception {
        members(300);
        try (Monitor monitor = fx.monitor()) {
            Snapshot before = monitor.snapshot(fx.first());
            fake.twoFactor(2, TwoFactor.DISABLED);
            Snapshot now = monitor.snapshot(fx.after(before));

            List<ChangeEvent> events = diff(before, now);
            assertThat(events).extracting(ChangeEvent::type, ChangeEvent::severity)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(EventType.MFA_DISABLED, Severity.CRITICAL));
            assertThat(events.get(0).account().orElseThrow().facts()).containsEntry("role", "admin");
        }
    }

    @Test
    void aNewMemberWithoutTwoFactorIsSeenInSteadyStateWithItsRole() throws Exception {
        members(150);
        try (Monitor monitor = fx.monitor()) {
            Snapshot before = monitor.snapshot(fx.first());
            fake.member(777, "newowner", TwoFactor.DISABLED, true);
            fake.resetRequests();
            Snapshot now = monitor.snapshot(fx.after(before));

            assertThat(byId(now).get("777")).isEqualTo(new Account("777", "newowner", "member", MfaStatus.DISABLED, "",
                    Map.of("role", "admin")));
            assertThat(diff(before, now)).extracting(ChangeEvent::type, ChangeEvent::severity)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(EventType.NEW_ACCOUNT_WITHOUT_MFA, Severity.CRITICAL));
            assertThat(requestsTo(list("/members", "all"))).isZero();
        }
    }

    @Test
    void aRenameIsNotADepartureAndGivesNoEvent() throws Exception {
        members(250);
        try (Monitor monitor = fx.monitor()) {
            Snapshot before = monitor.snapshot(fx.first());
            fake.rename(100, "renamed-disabled").rename(5, "renamed-enabled");
            Snapshot steady = monitor.snapshot(fx.after(before));
            Snapshot full = monitor.snapshot(fx.first());

            assertThat(byId(steady).get("100").name()).isEqualTo("renamed-disabled");
            assertThat(byId(full).get("5").name()).isEqualTo("renamed-enabled");
            assertThat(diff(before, steady)).isEmpty();
            assertThat(diff(before, full)).isEmpty();
        }
    }

    @Test
    void aNonOwnerTokenFailsWithGitHubsExactMessageAndWhatToDo() throws Exception {
        members(10);
        fake.token("ghp_member_only", false);
        var config = GitHubFixture.config(Map.of("organization", ORG, "token", "${env:MEMBER_TOKEN}", "endpoint",
                fake.endpoint()), name -> name.equals("MEMBER_TOKEN") ? "ghp_member_only" : null);
        try (Monitor monitor = fx.create(config)) {
            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessage("GitHub answered 422 'Only owners can use this filter.' for org acme: the token's user must "
                            + "be an owner of acme (a classic token also needs the read:org scope, admin:org to see the 2FA "
                            + "requirement)");
            // It failed before the long unfiltered listing, which a non-owner would see only partly.
            assertThat(requestsTo(list("/members", "all"))).isZero();
        }
    }

    @Test
    void aNullRequirementIsUnknownNeverFalse() throws Exception {
        members(5);
        fake.requirement(null);
        try (Monitor monitor = fx.monitor()) {
            Snapshot snapshot = monitor.snapshot(fx.first());
            assertThat(snapshot.requirements()).isEqualTo(Map.of("organization requires 2FA", MfaStatus.UNKNOWN));
        }
    }

    @Test
    void switchingTheRequirementOffIsAHighSeverityRequirementDisabled() throws Exception {
        members(5);
        try (Monitor monitor = fx.monitor()) {
            Snapshot before = monitor.snapshot(fx.first());
            fake.requirement(false);
            Snapshot now = monitor.snapshot(fx.after(before));

            assertThat(now.requirements()).isEqualTo(Map.of("organization requires 2FA", MfaStatus.DISABLED));
            assertThat(diff(before, now)).extracting(ChangeEvent::type, ChangeEvent::severity)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(EventType.REQUIREMENT_DISABLED, Severity.HIGH));
        }
    }

    @Test
    void aFailingPageFailsTheWholeSnapshot() throws Exception {
        members(1000);
        fake.script(r -> list("/members", "all").test(r) && r.page() == 7, -1, Reply.error(502, "Server Error"));
        try (Monitor monitor = fx.monitor()) {
            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessage("GitHub answered 502 'Server Error' for org acme while reading all members: the snapshot is "
                            + "not taken (never a partial list); the next run tries again");
            assertThat(requestsTo(r -> list("/members", "all").test(r) && r.page() > 7)).isZero();
        }
    }

    @Test
    void aFailingMembershipCheckFailsTheSnapshotRatherThanGuess() throws Exception {
        members(200);
        try (Monitor monitor = fx.monitor()) {
            Snapshot before = monitor.snapshot(fx.first());
            fake.twoFactor(100, TwoFactor.ENABLED);
            fake.script(r -> r.path().equals("/orgs/acme/memberships/user100"), -1, Reply.error(500, "Internal Server Error"));
            assertThatThrownBy(() -> monitor.snapshot(fx.after(before)))
                    .hasMessage("GitHub answered 500 'Internal Server Error' for org acme while reading the membership of "
                            + "user100: the snapshot is not taken (never a partial list); the next run tries again");
        }
    }

    @Test
    void aPrimaryRateLimitIsWaitedOutWithinTheDeadline() throws Exception {
        members(300);
        fake.script(list("/members", "all"), 1, Reply.primaryRateLimit(403, Instant.now().plusSeconds(1)));
        fake.script(list("/members", "2fa_disabled"), 1, Reply.primaryRateLimit(429, Instant.now().plusSeconds(1)));
        try (Monitor monitor = fx.monitor()) {
            Snapshot snapshot = monitor.snapshot(fx.first());
            assertThat(snapshot.accounts()).hasSize(300);
            // Each limited request was repeated once, after the wait (recorded by the context, not slept).
            assertThat(fx.context.sleeps()).hasSize(2);
            assertThat(requestsTo(r -> list("/members", "all").test(r) && r.page() == 1)).isEqualTo(2);
            assertThat(requestsTo(list("/members", "2fa_disabled"))).isEqualTo(2);
        }
    }

    @Test
    void aSecondaryRateLimitHonoursRetryAfter() throws Exception {
        members(300);
        fake.script(r -> list("/members", "all").test(r) && r.page() == 2, 1,
                Reply.secondaryRateLimit(403, Optional.of(1)));
        fake.script(list("/outside_collaborators", "all"), 1, Reply.secondaryRateLimit(429, Optional.of(1)));
        try (Monitor monitor = fx.monitor()) {
            Snapshot snapshot = monitor.snapshot(fx.first());
            assertThat(snapshot.accounts()).hasSize(300);
            assertThat(requestsTo(r -> list("/members", "all").test(r) && r.page() == 2)).isEqualTo(2);
            assertThat(requestsTo(list("/outside_collaborators", "all"))).isEqualTo(2);
        }
    }

    @Test
    void aRateLimitThatOutlastsTheDeadlineFailsAtOnce() throws Exception {
        members(10);
        Instant reset = Instant.ofEpochSecond(Instant.now().plusSeconds(3600).getEpochSecond());
        fake.script(list("/members", "2fa_disabled"), -1, Reply.primaryRateLimit(403, reset));
        try (Monitor monitor = fx.monitor()) {
            var request = fx.first(Duration.ofSeconds(60));
            assertThatThrownBy(() -> monitor.snapshot(request))
                    .hasMessageStartingWith("GitHub's primary rate limit (x-ratelimit-remaining: 0) for org acme (HTTP 403 on "
                            + "GET /orgs/acme/members) lasts until ")
                    .hasMessageContaining(", past this scan's deadline (60 s left)")
                    .hasMessageEndingWith(": the snapshot is not taken. Poll less often, give the monitor a longer timeout, "
                            + "or use a token whose budget is not shared with other tools");
            assertThat(requestsTo(list("/members", "2fa_disabled"))).isEqualTo(1);
        }
    }

    @Test
    void aSecondaryLimitPastTheDeadlineFailsToo() throws Exception {
        members(10);
        fake.script(list("/members", "2fa_disabled"), -1, Reply.secondaryRateLimit(429, Optional.of(600)));
        try (Monitor monitor = fx.monitor()) {
            var request = fx.first(Duration.ofSeconds(30));
            assertThatThrownBy(() -> monitor.snapshot(request))
                    .hasMessageStartingWith("GitHub's secondary rate limit for org acme (HTTP 429 on GET /orgs/acme/members) lasts until ");
            assertThat(requestsTo(list("/members", "2fa_disabled"))).isEqualTo(1);
        }
    }

    @Test
    void requestsAreMadeOneAtATime() throws Exception {
        members(600);
        fake.latency(Duration.ofMillis(5));
        try (Monitor monitor = fx.monitor()) {
            Snapshot before = monitor.snapshot(fx.first());
            fake.twoFactor(100, TwoFactor.ENABLED).twoFactor(200, TwoFactor.ENABLED);
            monitor.snapshot(fx.after(before));
            assertThat(fake.requestCount()).isGreaterThan(10);
            assertThat(fake.maxConcurrentRequests()).isEqualTo(1);
        }
    }

    @Test
    void theTokenNeverReachesAMessageOrTheSnapshot() throws Exception {
        members(10);
        // A server (or proxy) that quotes the Authorization header back in its error.
        fake.script(list("/members", "2fa_disabled"), -1, Reply.error(500, "bad header: token " + TOKEN));
        try (Monitor monitor = fx.monitor()) {
            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessage("GitHub answered 500 'bad header: token ****' for org acme while reading members without "
                            + "2FA: the snapshot is not taken (never a partial list); the next run tries again")
                    .satisfies(e -> assertThat(stackText(e)).doesNotContain(TOKEN));
        }
        FakeGitHub clean = FakeGitHub.start(ORG).token(TOKEN, true);
        try (clean; Monitor monitor = new GitHubFixture(clean).monitor()) {
            clean.member(1, "a", TwoFactor.DISABLED, true);
            Snapshot snapshot = monitor.snapshot(fx.first());
            assertThat(snapshot.toString()).doesNotContain(TOKEN);
            assertThat(monitor.toString()).doesNotContain(TOKEN);
        }
    }

    private static String stackText(Throwable e) {
        java.io.StringWriter out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    @Test
    void aWrongTokenSaysSo() throws Exception {
        var config = GitHubFixture.config(Map.of("organization", ORG, "token", "${env:T}", "endpoint", fake.endpoint()),
                name -> "ghp_revoked");
        try (Monitor monitor = fx.create(config)) {
            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessage("GitHub answered 401 'Bad credentials' for org acme: the token is wrong, expired or revoked; replace it");
        }
    }

    @Test
    void aMissingOrganizationSaysSo() throws Exception {
        var config = GitHubFixture.config(Map.of("organization", "nosuchorg", "token", "${env:T}", "endpoint",
                fake.endpoint()), name -> TOKEN);
        try (Monitor monitor = fx.create(config)) {
            assertThatThrownBy(() -> monitor.snapshot(fx.first()))
                    .hasMessage("GitHub answered 404 for org nosuchorg: there is no organization nosuchorg at "
                            + fake.endpoint() + ", or the token cannot see it");
        }
    }

    @Test
    void weakTwoFactorIsAFactThatFollowsTheInsecureList() throws Exception {
        members(50);
        fake.member(60, "sms-user", TwoFactor.INSECURE, false);
        try (Monitor monitor = fx.monitor()) {
            Snapshot before = monitor.snapshot(fx.first());
            assertThat(byId(before).get("60")).isEqualTo(new Account("60", "sms-user", "member", MfaStatus.ENABLED, "",
                    Map.of("role", "member", "weakMfa", "true")));

            fake.twoFactor(60, TwoFactor.ENABLED).member(61, "new-sms", TwoFactor.INSECURE, false);
            Snapshot now = monitor.snapshot(fx.after(before));
            assertThat(byId(now).get("60").facts()).isEqualTo(Map.of("role", "member"));
            assertThat(byId(now).get("61")).isEqualTo(new Account("61", "new-sms", "member", MfaStatus.ENABLED, "",
                    Map.of("role", "member", "weakMfa", "true")));
        }
    }

    @Test
    void aServerWithoutTheInsecureFilterIsSaidOnceAndTheRestIsWatched() throws Exception {
        members(100);
        fake.insecureFilterKnown(false);
        try (Monitor monitor = fx.monitor()) {
            Snapshot snapshot = monitor.snapshot(fx.first());
            assertThat(snapshot.accounts()).hasSize(100);
            assertThat(snapshot.facts()).containsEntry("weakMfa", "not supported by this server (filter=2fa_insecure unknown)");
            assertThat(snapshot.accounts()).allSatisfy(a -> assertThat(a.facts()).doesNotContainKey("weakMfa"));
        }
    }

    @Test
    void anOutsideCollaboratorWhoLeavesTheListIsCheckedNotGuessed() throws Exception {
        members(20);
        fake.outsideCollaborator(9001, "ext-fixed", TwoFactor.DISABLED)
                .outsideCollaborator(9002, "ext-gone", TwoFactor.DISABLED)
                .outsideCollaborator(9003, "ext-still", TwoFactor.DISABLED);
        try (Monitor monitor = fx.monitor()) {
            Snapshot before = monitor.snapshot(fx.first());
            fake.twoFactor(9001, TwoFactor.ENABLED).remove(9002);
            fake.resetRequests();
            Snapshot now = monitor.snapshot(fx.after(before));

            Map<String, Account> accounts = byId(now);
            assertThat(accounts.get("9001").mfa()).isEqualTo(MfaStatus.ENABLED);
            assertThat(accounts.get("9003").mfa()).isEqualTo(MfaStatus.DISABLED);
            assertThat(accounts).doesNotContainKey("9002");
            // One listing of all outside collaborators, one membership check for the one not on it.
            assertThat(requestsTo(list("/outside_collaborators", "all"))).isEqualTo(1);
            assertThat(requestsTo(r -> r.path().equals("/orgs/acme/memberships/ext-gone"))).isEqualTo(1);
        }
    }

    @Test
    void aFullListingIsReadAgainOnceTheIntervalHasPassed() throws Exception {
        members(150);
        try (Monitor monitor = fx.monitor(Map.of("fullScanInterval", "1h"))) {
            Snapshot baseline = monitor.snapshot(fx.first());
            Map<String, String> facts = new HashMap<>(baseline.facts());
            facts.put("lastFullScan", fx.context.clock().instant().minus(Duration.ofMinutes(61)).toString());
            Snapshot old = new Snapshot(baseline.service(), baseline.observedAt(), baseline.accounts(),
                    baseline.requirements(), facts, baseline.gaps());
            fake.member(151, "quiet-joiner", TwoFactor.ENABLED, false).remove(7);

            fake.resetRequests();
            Snapshot recent = monitor.snapshot(fx.after(baseline));
            assertThat(requestsTo(list("/members", "all"))).isZero();
            assertThat(byId(recent)).containsKey("7").doesNotContainKey("151");

            fake.resetRequests();
            fx.context.advance(Duration.ofMinutes(1));
            Snapshot refreshed = monitor.snapshot(fx.after(old));
            assertThat(requestsTo(list("/members", "all"))).isEqualTo(2);
            assertThat(byId(refreshed)).containsKey("151").doesNotContainKey("7");
            assertThat(Instant.parse(refreshed.facts().get("lastFullScan"))).isAfter(Instant.parse(baseline.facts().get("lastFullScan")));
        }
    }

    @Test
    void turningOffOutsideCollaboratorsForcesAFullScan() throws Exception {
        members(20);
        fake.outsideCollaborator(9001, "ext", TwoFactor.DISABLED);
        Snapshot before;
        try (Monitor monitor = fx.monitor()) {
            before = monitor.snapshot(fx.first());
        }
        try (Monitor monitor = fx.monitor(Map.of("outsideCollaborators", "false"))) {
            fake.resetRequests();
            Snapshot now = monitor.snapshot(fx.after(before));
            assertThat(requestsTo(list("/members", "all"))).isEqualTo(1);
            assertThat(requestsTo(r -> r.path().endsWith("/outside_collaborators"))).isZero();
            assertThat(byId(now)).doesNotContainKey("9001").hasSize(20);
        }
    }
}
