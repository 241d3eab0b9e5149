package com.example.mfa.gitlab;

import dev.mfamonitor.testkit.States;
import dev.mfamonitor.testkit.TestContext;
import com.example.mfa.gitlab.FakeGitLab.Paging;
import com.example.mfa.gitlab.FakeGitLab.Request;
import com.example.mfa.gitlab.FakeGitLab.User;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfamonitor.core.DiffEngine;
import dev.mfamonitor.core.Policy;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.state.MonitorState;
import dev.mfamonitor.spi.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static com.example.mfa.gitlab.GitLabFixture.TOKEN;
import static com.example.mfa.gitlab.GitLabFixture.firstRun;
import static com.example.mfa.gitlab.GitLabFixture.groupMonitor;
import static com.example.mfa.gitlab.GitLabFixture.monitor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class GitLabMonitorTest {
    private FakeGitLab gitlab;

    @BeforeEach
    void start() throws Exception {
        gitlab = FakeGitLab.start(TOKEN);
    }

    @AfterEach
    void stop() {
        gitlab.close();
    }

    private static Map<String, Account> byId(Snapshot snapshot) {
        return snapshot.accounts().stream().collect(Collectors.toMap(Account::id, Function.identity()));
    }

    private Snapshot read(GitLabMonitor monitor) throws Exception {
        try (monitor) {
            return monitor.snapshot(firstRun());
        }
    }

    private Throwable failure(GitLabMonitor monitor) {
        try (monitor) {
            Throwable thrown = catchThrowable(() -> monitor.snapshot(firstRun()));
            assertThat(thrown).as("the snapshot fails").isInstanceOf(GitLabMonitorException.class);
            assertNoToken(thrown);
            return thrown;
        }
    }

    /** The canary: the token is in no message of the exception or its causes. */
    private static void assertNoToken(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).as("message of " + t.getClass().getName()).doesNotContain(TOKEN);
            assertThat(t.toString()).doesNotContain(TOKEN);
        }
    }

    private List<Request> listRequests() {
        return gitlab.requests().stream().filter(r -> r.path().equals("/api/v4/users")).toList();
    }

    @Test
    void readsEveryPageFollowingTheLinkHeader() throws Exception {
        gitlab.users(250);

        Snapshot snapshot = read(monitor(gitlab));

        assertThat(snapshot.service()).isEqualTo("gitlab");
        assertThat(snapshot.complete()).isTrue();
        assertThat(snapshot.accounts()).hasSize(250);
        assertThat(byId(snapshot).get("10")).isEqualTo(new Account("10", "user10", "user", MfaStatus.DISABLED, "",
                Map.of("state", "active")));
        assertThat(byId(snapshot).get("11").mfa()).isEqualTo(MfaStatus.ENABLED);
        assertThat(snapshot.accounts().stream().filter(a -> a.mfa() == MfaStatus.DISABLED)).hasSize(25);
        assertThat(listRequests()).extracting(Request::page).containsExactly(1, 2, 3);
        assertThat(listRequests()).allSatisfy(r -> {
            assertThat(r.token()).isEqualTo(TOKEN);
            assertThat(r.query()).containsEntry("per_page", "100").containsEntry("order_by", "id").containsEntry("sort", "asc");
        });
        assertThat(snapshot.facts()).containsEntry("source", "all users of GitLab " + gitlab.url());
    }

    @Test
    void followsXNextPageWhenThereIsNoLinkHeader() throws Exception {
        gitlab.users(250).paging(Paging.X_NEXT_PAGE_ONLY);

        Snapshot snapshot = read(monitor(gitlab));

        assertThat(snapshot.accounts()).hasSize(250);
        assertThat(listRequests()).extracting(Request::page).containsExactly(1, 2, 3);
    }

    @Test
    void aPageThatKeepsFailingFailsTheSnapshotAfterThreeAttempts() {
        gitlab.users(250).failPage(2, 500, 502, 503);

        Throwable thrown = failure(monitor(gitlab));

        assertThat(thrown).hasMessage("GitLab " + gitlab.url() + " answered 503 ('503 scripted failure') for page 2 of the "
                + "users after 3 attempts; the next run tries again");
        assertThat(listRequests()).extracting(Request::page).containsExactly(1, 2, 2, 2);
    }

    @Test
    void aPageThatFailsOnceIsRetriedAndTheSnapshotIsWhole() throws Exception {
        gitlab.users(250).failPage(3, 429);

        Snapshot snapshot = read(monitor(gitlab));

        assertThat(snapshot.accounts()).hasSize(250);
        assertThat(listRequests()).extracting(Request::page).containsExactly(1, 2, 3, 3);
    }

    @Test
    void aTokenThatCannotSeeTwoFactorGivesUnknownAndFailsNamingTheAdministratorRight() {
        gitlab.users(5).privileged(false);

        Throwable thrown = failure(monitor(gitlab));

        assertThat(thrown).hasMessage("GitLab " + gitlab.url() + " did not show two_factor_enabled for 5 of 5 account(s) "
                + "(user1, user2, user3, ...), so their 2FA status is unknown: GitLab shows it only to administrators: use a "
                + "personal access token (scope read_api) of an administrator, or watch one group with group: and an owner's token");
    }

    @Test
    void aUserWithoutTwoFactorIsUnknownNeverDisabled() throws Exception {
        ObjectMapper json = new ObjectMapper();

        Account missing = GitLabUsers.account(json.readTree("{\"id\":7,\"username\":\"eve\",\"state\":\"active\"}"), false, "");
        Account nullValue = GitLabUsers.account(json.readTree("{\"id\":7,\"username\":\"eve\",\"two_factor_enabled\":null}"), false, "");
        Account text = GitLabUsers.account(json.readTree("{\"id\":7,\"username\":\"eve\",\"two_factor_enabled\":\"false\"}"), false, "");
        Account blockedUnknown = GitLabUsers.account(json.readTree("{\"id\":7,\"username\":\"eve\",\"state\":\"blocked\"}"), false, "");

        assertThat(List.of(missing, nullValue, text, blockedUnknown)).extracting(Account::mfa).containsOnly(MfaStatus.UNKNOWN);
    }

    @Test
    void blockedUsersCannotSignInDeactivatedOnesCanAndBotsAreBots() throws Exception {
        gitlab.user(User.active(1, "alice", true))
                .user(new User(2, "bob", false, "blocked", false, false))
                .user(new User(3, "carol", false, "deactivated", false, false))
                .user(new User(4, "dan", false, "banned", false, false))
                .user(new User(5, "project_9_bot_1a2b", false, "active", true, false))
                .user(new User(6, "root", true, "active", false, true));

        Map<String, Account> accounts = byId(read(monitor(gitlab)));

        assertThat(accounts.get("1").mfa()).isEqualTo(MfaStatus.ENABLED);
        assertThat(accounts.get("2")).isEqualTo(new Account("2", "bob", "user", MfaStatus.NOT_APPLICABLE, "", Map.of("state", "blocked")));
        assertThat(accounts.get("3")).isEqualTo(new Account("3", "carol", "user", MfaStatus.DISABLED, "", Map.of("state", "deactivated")));
        assertThat(accounts.get("4").mfa()).isEqualTo(MfaStatus.NOT_APPLICABLE);
        assertThat(accounts.get("5")).isEqualTo(new Account("5", "project_9_bot_1a2b", "bot", MfaStatus.NOT_APPLICABLE, "",
                Map.of("state", "active")));
        assertThat(accounts.get("6").facts()).containsEntry("admin", "true");
    }

    @Test
    void groupModeReadsInheritedMembersAndTheGroupsRequirement() throws Exception {
        gitlab.users(30).group("platform/backend", true, 3, 10, 20);

        Snapshot snapshot = read(groupMonitor(gitlab, "platform/backend"));

        assertThat(snapshot.accounts()).containsExactly(
                new Account("3", "user3", "member", MfaStatus.ENABLED, "", Map.of("state", "active", "accessLevel", "30")),
                new Account("10", "user10", "member", MfaStatus.DISABLED, "", Map.of("state", "active", "accessLevel", "30")),
                new Account("20", "user20", "member", MfaStatus.DISABLED, "", Map.of("state", "active", "accessLevel", "30")));
        assertThat(snapshot.requirements()).isEqualTo(Map.of(GitLabMonitor.GROUP_REQUIREMENT, MfaStatus.ENABLED));
        assertThat(gitlab.requests()).extracting(Request::path)
                .containsExactly("/api/v4/groups/platform%2Fbackend", "/api/v4/groups/platform%2Fbackend/members/all");
    }

    @Test
    void aGroupMemberListWithoutTwoFactorFailsNamingTheOwnerRight() {
        gitlab.users(3).group("acme", false, 1, 2).privileged(false);

        Throwable thrown = failure(groupMonitor(gitlab, "acme"));

        assertThat(thrown).hasMessageEndingWith("so their 2FA status is unknown: GitLab shows it in a group's member list only "
                + "to an owner of the group or an administrator: use the token of an owner of group 'acme' or of an administrator");
    }

    @Test
    void aMissingGroupSaysSo() {
        Throwable thrown = failure(groupMonitor(gitlab, "nope"));

        assertThat(thrown).hasMessage("GitLab " + gitlab.url() + " answered 404 ('404 Group Not Found') for group 'nope': "
                + "group 'nope' does not exist or the token's user cannot see it; check group:");
    }

    @Test
    void aRejectedTokenSaysWhatToDoAndNeverEchoesTheToken() {
        gitlab.users(3).echoTokenInErrors(true);
        GitLabSettings wrong = new GitLabSettings(gitlab.url(), Optional.empty(), new dev.mfamonitor.spi.Secret(TOKEN + "-old"),
                java.time.Duration.ofSeconds(5));

        Throwable thrown = failure(new GitLabMonitor(wrong, GitLabFixture.context()));

        // GitLab's body quoted the token; the message shows **** where it was.
        assertThat(thrown).hasMessage("GitLab " + gitlab.url() + " answered 401 ('401 Unauthorized (token ****)') for page 1 "
                + "of the users: the token is invalid, expired or revoked; set token: to a personal access token with the read_api scope");
    }

    @Test
    void anErrorBodyQuotingTheTokenIsRedacted() {
        gitlab.users(250).echoTokenInErrors(true).failPage(2, 500, 500, 500);

        Throwable thrown = failure(monitor(gitlab));

        assertThat(thrown.getMessage()).contains("(token ****)");
    }

    @Test
    void aListThatShrinksWhileItIsReadFails() {
        // A user is deleted after page 1 was served: offset pagination then skips someone on page 2.
        gitlab.users(250).beforePage(2, g -> g.removeUser(5));

        Throwable thrown = failure(monitor(gitlab));

        assertThat(thrown).hasMessage("GitLab said there are 250 of the users of GitLab " + gitlab.url() + " but then 249 on "
                + "page 2 of the users: the list changed while it was read, so it may be incomplete; the next run reads it again");
    }

    @Test
    void aListThatGrowsWhileItIsReadFails() {
        // A user arrives with a lower id than page 1's last: everyone shifts by one.
        gitlab.users(150).removeUser(1).beforePage(2, g -> g.user(1, "user1", true));

        Throwable thrown = failure(monitor(gitlab));

        assertThat(thrown.getMessage()).startsWith("GitLab said there are 149 of the users of GitLab " + gitlab.url()
                + " but then 150 on page 2 of the users");
    }

    @Test
    void aUserListedTwiceFailsWhenGitLabGivesNoTotal() {
        // Over 10,000 users GitLab sends no x-total; the shift then shows as user101, last of page 1, again first on page 2.
        gitlab.users(150).removeUser(1).omitTotals().beforePage(2, g -> g.user(1, "user1", true));

        Throwable thrown = failure(monitor(gitlab));

        assertThat(thrown).hasMessage("GitLab listed user 101 (user101) twice while the users of " + gitlab.url() + " were "
                + "read page by page: the list changed during the read, so a user may also have been skipped; the next run reads it again");
    }

    @Test
    void aNextPageLinkToAnotherHostIsNotFollowed() throws Exception {
        try (FakeGitLab elsewhere = FakeGitLab.start(TOKEN)) {
            elsewhere.users(250);
            gitlab.users(250).linkBase(elsewhere.url());

            Throwable thrown = failure(monitor(gitlab));

            assertThat(thrown).hasMessage("GitLab's next-page link after page 1 of the users points to http://"
                    + elsewhere.url().getAuthority() + ", not to " + gitlab.url() + "; the token is not sent elsewhere: set url: "
                    + "to the address GitLab calls itself (its external_url)");
            assertThat(elsewhere.requests()).isEmpty();
        }
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        try (FakeGitLab elsewhere = FakeGitLab.start(TOKEN)) {
            gitlab.redirectTo(elsewhere.url().resolve("/api/v4/users"));

            Throwable thrown = failure(monitor(gitlab));

            assertThat(thrown).hasMessage("GitLab " + gitlab.url() + " answered 302 ('moved') for page 1 of the users (a redirect to "
                    + elsewhere.url() + "/api/v4/users): redirects are not followed, so the token goes nowhere else; set url: to "
                    + "the instance's address");
            assertThat(elsewhere.requests()).isEmpty();
        }
    }

    @Test
    void anUnreachableInstanceFailsNamingIt() throws Exception {
        java.net.URI url = gitlab.url();
        gitlab.close();
        GitLabSettings settings = new GitLabSettings(url, Optional.empty(), new dev.mfamonitor.spi.Secret(TOKEN),
                java.time.Duration.ofSeconds(5));

        TestContext context = GitLabFixture.context();
        Throwable thrown = failure(new GitLabMonitor(settings, context));

        assertThat(thrown.getMessage()).startsWith("cannot reach GitLab " + url + " for page 1 of the users (ConnectException")
                .endsWith("after 3 attempt(s); check url: and the network");
        assertThat(context.sleeps()).as("two waits between three attempts, recorded, not slept").hasSize(2);
    }

    @Test
    void aSnapshotHoldsNoToken() throws Exception {
        gitlab.users(20).group("acme", true, 1, 2, 3);

        Snapshot users = read(monitor(gitlab));
        Snapshot members = read(groupMonitor(gitlab, "acme"));

        assertThat(users.toString()).doesNotContain(TOKEN);
        assertThat(members.toString()).doesNotContain(TOKEN);
    }

    @Test
    void switchingTwoFactorOffIsAnMfaDisabledEventForThatUser() throws Exception {
        gitlab.users(30);
        Snapshot before = read(monitor(gitlab));
        gitlab.twoFactor(7, false);
        Snapshot after = read(monitor(gitlab));

        MonitorState state = States.after(before);
        List<ChangeEvent> events = new DiffEngine(Policy.defaults()).diff("gitlab-corp", state, after, after.observedAt(), false).events();

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(EventType.MFA_DISABLED);
            assertThat(event.account().map(Account::name)).contains("user7");
            assertThat(event.previous()).contains(MfaStatus.ENABLED);
        });
    }
}
